import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { promQuery, sensorwatchDashboard, timeseriesPanel } from './defaults.js';
import { QUERIES } from './queries.js';

/** The infrastructure from its JMX exporters: what the Kafka and Cassandra alerts watch, drawn. */
export function kafkaCassandraDashboard(): dashboard.DashboardBuilder {
  return sensorwatchDashboard(
    'sensorwatch-kafka-cassandra',
    'sensorwatch / Kafka and Cassandra',
    'The three KRaft brokers and the Cassandra node, from their JMX exporters: availability, replication health, throughput and latency.',
  )
    .withPanel(
      timeseriesPanel(
        'Kafka brokers up, active controllers',
        'Scraped brokers (3 expected) and active controllers (exactly 1).',
        'short',
      )
        .withTarget(promQuery(QUERIES.kafkaBrokersUp, 'brokers up'))
        .withTarget(promQuery(QUERIES.kafkaActiveControllers, 'active controllers', 'B')),
    )
    .withPanel(
      timeseriesPanel(
        'Under-replicated, under-min-ISR and offline partitions',
        'Any of these above zero means a write guarantee is at risk: min.insync.replicas is 2 of 3.',
        'short',
      )
        .withTarget(promQuery(QUERIES.kafkaUnderReplicated, 'under-replicated {{instance}}'))
        .withTarget(promQuery(QUERIES.kafkaUnderMinIsr, 'under min ISR {{instance}}', 'B'))
        .withTarget(promQuery(QUERIES.kafkaOfflinePartitions, 'offline', 'C')),
    )
    .withPanel(
      timeseriesPanel('ISR shrinks', 'Replicas falling out of sync, per broker.', 'ops').withTarget(
        promQuery(QUERIES.kafkaIsrShrinks, '{{instance}}'),
      ),
    )
    .withPanel(
      timeseriesPanel('Messages in per topic', 'Messages appended per second, by topic.', 'reqps').withTarget(
        promQuery(QUERIES.kafkaMessagesIn, '{{topic}}'),
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Kafka request latency p99',
        'Total time of each request kind, 99th percentile, worst broker.',
        's',
      ).withTarget(promQuery(QUERIES.kafkaRequestLatencyP99, '{{request}}')),
    )
    .withPanel(
      timeseriesPanel(
        'Cassandra client latency p99',
        'Coordinator latency by request kind, 99th percentile.',
        's',
      ).withTarget(promQuery(QUERIES.cassandraLatencyP99, '{{scope}}')),
    )
    .withPanel(
      timeseriesPanel(
        'Cassandra errors and dropped messages',
        'Failed, timed-out and unavailable requests, and messages dropped past their timeout (lost work under overload).',
        'ops',
      )
        .withTarget(promQuery(QUERIES.cassandraRequestErrors, 'errors {{scope}}'))
        .withTarget(promQuery(QUERIES.cassandraDropped, 'dropped {{message_type}}', 'B')),
    )
    .withPanel(
      timeseriesPanel(
        'Cassandra pending compactions',
        'Compactions waiting; a growing backlog slows reads.',
        'short',
      ).withTarget(promQuery(QUERIES.cassandraPendingCompactions, '{{instance}}')),
    );
}
