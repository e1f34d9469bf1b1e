/**
 * The pipeline's topics, defined once for the native stack, docker-compose and the services.
 * Replication 3 with min.insync.replicas 2 means a write acknowledged with acks=all is on at least two
 * brokers, so losing any one broker loses no acknowledged reading.
 */
export interface TopicDefinition {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What every pipeline topic shares.
 * - Durability: acks=all writes on two brokers at least, and no out-of-sync replica ever becomes leader.
 * - Time: the broker stamps each record with the time it was appended, so retention counts from its
 *   arrival. Stamped with the reading's own time (a producer's default), a reading older than the
 *   retention (the detector accepts them up to 30 days old) would be deleted soon after it was
 *   acknowledged, before the detector had read it.
 */
const everyTopic = {
  'min.insync.replicas': '2',
  'unclean.leader.election.enable': 'false',
  'message.timestamp.type': 'LogAppendTime',
} as const;

export const TOPICS = {
  /** Raw readings from the producers, keyed by station id so a station's readings stay in order. */
  readings: {
    name: 'sensor.readings',
    partitions: 12,
    replicationFactor: 3,
    configs: { ...everyTopic, 'retention.ms': String(7 * DAY_MS), 'compression.type': 'producer' },
  },
  /** Readings the detector rejected, with the reason in the headers; kept longer so they can be replayed. */
  deadLetter: {
    name: 'sensor.readings.dlq',
    partitions: 3,
    replicationFactor: 3,
    configs: { ...everyTopic, 'retention.ms': String(30 * DAY_MS) },
  },
  /** Readings enriched with the detector's verdict, consumed by the exporter. */
  scored: {
    name: 'sensor.readings.scored',
    partitions: 12,
    replicationFactor: 3,
    configs: { ...everyTopic, 'retention.ms': String(3 * DAY_MS), 'compression.type': 'producer' },
  },
} as const satisfies Record<string, TopicDefinition>;

export const PIPELINE_TOPICS: readonly TopicDefinition[] = Object.values(TOPICS);
