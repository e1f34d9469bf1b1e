import { CONSUMER_RETRY } from '../../common/kafka/client.js';
import type { KafkaClient } from '../../common/kafka/kafkajs.js';
import type { Logger } from '../../common/logger.js';
import { parseScoredMessage } from '../../scoring/scored-message.js';
import type { LiveSensorState } from './live-sensor-state.js';

/**
 * Feeds the live state from the scored topic. Replicas share one consumer group, so each partition (and
 * so each station) has exactly one owner: summing over replicas never double-counts, and the work
 * spreads as replicas are added. After a rebalance a replica drops the stations of partitions it lost.
 * The gauges show the present, so a new group starts from the latest offsets, not the history.
 */
export function createScoredConsumer(options: {
  kafka: KafkaClient;
  groupId: string;
  topic: string;
  state: LiveSensorState;
  onDropped: () => void;
  onInvalid: () => void;
  logger: Logger;
}) {
  const { kafka, groupId, topic, state, logger } = options;
  // The detector's retries: a broker's death should not make the live feed crash and rejoin its group.
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    retry: CONSUMER_RETRY,
  });
  // Ready once it has joined the group and holds its partitions: only then is nothing new missed.
  let joined = false;
  consumer.on(consumer.events.DISCONNECT, () => {
    joined = false;
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    const owned = new Set(payload.memberAssignment[topic] ?? []);
    const released = state.retainPartitions(owned);
    logger.info('scored partitions assigned', { partitions: [...owned], releasedStations: released });
  });
  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: false });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const parsed = parseScoredMessage(message.value);
          if (!parsed.ok) {
            logger.warn('scored message ignored', {
              partition,
              offset: message.offset,
              reason: parsed.reason,
            });
            return options.onInvalid();
          }
          if (!state.update(parsed.message, partition, Date.now())) options.onDropped();
        },
      });
    },
    async stop() {
      await consumer.disconnect();
    },
    isReady: () => joined,
  };
}
