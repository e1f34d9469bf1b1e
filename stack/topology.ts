/**
 * Where each service of the native stack listens. Everything binds to loopback. Kafka's listeners are
 * moved off 9092-9097 so Alertmanager and Prometheus keep their well-known ports.
 */
export const HOST = '127.0.0.1';

export interface KafkaNode {
  readonly id: number;
  readonly name: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly jmxExporterPort: number;
  /** Each broker is its own rack, so replicas spread across all three and consumers can fetch from the nearest. */
  readonly rack: string;
}

export const KAFKA_NODES: readonly KafkaNode[] = [1, 2, 3].map((id) => ({
  id,
  name: `kafka-${id}`,
  port: id * 10_000 + 9092,
  controllerPort: id * 10_000 + 9093,
  jmxExporterPort: 7070 + id,
  rack: `rack-${id}`,
}));

export const KAFKA_BOOTSTRAP: readonly string[] = KAFKA_NODES.map((n) => `${HOST}:${n.port}`);

export const CASSANDRA = {
  name: 'cassandra',
  nativePort: 9042,
  storagePort: 7000,
  /** Local-only JMX, so the bundled nodetool works. */
  jmxPort: 7199,
  jmxExporterPort: 7074,
  datacenter: 'datacenter1',
} as const;

export const PROMETHEUS = { name: 'prometheus', port: 9090 } as const;

export const ALERTMANAGER = { name: 'alertmanager', port: 9093 } as const;

export function kafkaNode(id: number): KafkaNode {
  const node = KAFKA_NODES.find((n) => n.id === id);
  if (!node) throw new Error(`No Kafka node ${id}; nodes are ${KAFKA_NODES.map((n) => n.id).join(', ')}`);
  return node;
}

/** The pipeline's own services, run by `npm start` on top of the infrastructure. */
export const PIPELINE = {
  producers: [1, 2].map((n) => ({ name: `producer-${n}`, replicaId: `native-${n}`, metricsPort: 9469 + n })),
  detector: { name: 'detector', metricsPort: 9465 },
  exporter: { name: 'exporter', port: 8080 },
} as const;

/** In start order; `stack:down` stops in reverse, so producers stop before the detector drains. */
export const PIPELINE_SERVICE_NAMES: readonly string[] = [
  PIPELINE.detector.name,
  ...PIPELINE.producers.map((p) => p.name),
  PIPELINE.exporter.name,
];
