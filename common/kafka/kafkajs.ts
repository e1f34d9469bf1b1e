// kafkajs is CommonJS without statically detectable export names, so Node's ESM loader offers only its
// default export. Everything in sensorwatch imports kafkajs through this file.
import kafkajs from 'kafkajs';

export const { Kafka, logLevel, ConfigResourceTypes, CompressionTypes, Partitioners } = kafkajs;
export type {
  Admin,
  Consumer,
  EachBatchPayload,
  Kafka as KafkaClient,
  KafkaConfig,
  Producer,
  SASLOptions,
} from 'kafkajs';

/** The compressions sensorwatch publishes with: gzip is the one kafkajs has built in. */
export type Compression = 'none' | 'gzip';

export function compressionType(compression: Compression): number {
  return compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
}
