/**
 * Span attribute names. Database ones are stable OpenTelemetry semantic conventions; the messaging ones
 * are still "development" in the conventions, so, as OpenTelemetry advises for those, they are copied here
 * rather than imported from the incubating entry point. https://opentelemetry.io/docs/specs/semconv/
 */
export {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_BATCH_SIZE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
} from '@opentelemetry/semantic-conventions';

export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id';
export const ATTR_MESSAGING_KAFKA_MESSAGE_KEY = 'messaging.kafka.message.key';
export const ATTR_MESSAGING_KAFKA_OFFSET = 'messaging.kafka.offset';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';

/** sensorwatch's own, under its namespace. */
export const ATTR_STATION = 'sensorwatch.station.id';
export const ATTR_PROFILE = 'sensorwatch.profile';
export const ATTR_SEVERITY = 'sensorwatch.verdict.severity';
export const ATTR_ANOMALY = 'sensorwatch.verdict.anomaly';
export const ATTR_SCORE = 'sensorwatch.verdict.score';
export const ATTR_MODEL_VERSION = 'sensorwatch.model.version';
