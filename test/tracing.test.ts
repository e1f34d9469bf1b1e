import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../common/kafka/topics.js';
import { createTestTopic, deleteTestTopic } from './support/kafka.js';
import { freePort, type RunningService, startService } from './support/service.js';
import { eventually, kafkaClient, uniqueName } from './support/stack.js';

interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
}

const KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

/** An OTLP/HTTP receiver (the JSON encoding the services' exporter uses): what leaves the services. */
async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as {
          resourceSpans: Array<{
            resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
            scopeSpans: Array<{
              spans: Array<
                Omit<ReceivedSpan, 'service' | 'attributes'> & {
                  attributes: Array<{ key: string; value: Record<string, unknown> }>;
                }
              >;
            }>;
          }>;
        };
        for (const resource of payload.resourceSpans) {
          const service =
            resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const scope of resource.scopeSpans) {
            for (const span of scope.spans) {
              spans.push({
                ...span,
                service,
                attributes: Object.fromEntries(
                  span.attributes.map((a) => [a.key, Object.values(a.value)[0]]),
                ),
              });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('traces: a reading’s trace crosses Kafka from the producer to the detector and Cassandra', () => {
  const kafka = kafkaClient();
  const topics = { readings: '', scored: '', deadLetter: '' };
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  const services: RunningService[] = [];
  let detector: RunningService;
  let exporter: RunningService;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    topics.readings = await createTestTopic(kafka, 3);
    topics.scored = await createTestTopic(kafka, 3, TOPICS.scored);
    topics.deadLetter = await createTestTopic(kafka, 1, TOPICS.deadLetter);
    const common = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      READINGS_TOPIC: topics.readings,
      SCORED_TOPIC: topics.scored,
      DEAD_LETTER_TOPIC: topics.deadLetter,
      MODEL_REGISTRY: uniqueName('test-registry'),
    };
    detector = await startService(uniqueName('detector'), 'detector/main.ts', {
      ...common,
      DETECTOR_GROUP_ID: uniqueName('test.tracing'),
    });
    services.push(detector);
    exporter = await startService(
      uniqueName('exporter'),
      'exporter/main.ts',
      { ...common, EXPORTER_GROUP_ID: uniqueName('test.tracing-exporter') },
      { portVar: 'EXPORTER_PORT', hostVar: 'EXPORTER_HOST' },
    );
    services.push(exporter);
    services.push(
      await startService(uniqueName('producer'), 'producer/main.ts', {
        ...common,
        PRODUCER_REPLICA_ID: uniqueName('tr'),
        PRODUCER_PROFILES: 'factory',
        PRODUCER_STATIONS: '2',
        PRODUCER_INTERVAL_MS: '500',
      }),
    );
  });

  afterAll(async () => {
    for (const service of services.reverse()) await service.stop();
    await receiver?.close();
    for (const topic of Object.values(topics)) if (topic) await deleteTestTopic(kafka, topic).catch(() => {});
  });

  it('when a reading is produced, then its send, process and Cassandra insert spans form one chain, with messaging and database attributes and the verdict', async () => {
    const chain = await eventually(
      'a producer → detector → Cassandra chain',
      async () => {
        for (const insert of receiver.spans.filter(
          (s) => s.kind === KIND.client && s.service === 'sensorwatch-detector',
        )) {
          const process = receiver.spans.find(
            (s) => s.spanId === insert.parentSpanId && s.kind === KIND.consumer,
          );
          const send =
            process &&
            receiver.spans.find((s) => s.spanId === process.parentSpanId && s.kind === KIND.producer);
          if (process && send) return { send, process, insert };
        }
        return undefined;
      },
      60_000,
    );
    expect(chain.send).toMatchObject({
      service: 'sensorwatch-producer',
      name: `send ${topics.readings}`,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'sensorwatch.profile': 'factory',
      },
    });
    expect(chain.process).toMatchObject({
      service: 'sensorwatch-detector',
      traceId: chain.send.traceId,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': topics.readings,
        'sensorwatch.station.id': chain.send.attributes['sensorwatch.station.id'],
      },
    });
    expect(['none', 'warning', 'critical']).toContain(
      chain.process.attributes['sensorwatch.verdict.severity'],
    );
    expect(chain.insert).toMatchObject({
      traceId: chain.send.traceId,
      name: 'INSERT sensorwatch.readings_by_station',
      attributes: {
        'db.system.name': 'cassandra',
        'db.operation.name': 'INSERT',
        'db.collection.name': 'readings_by_station',
      },
    });
  });

  it('when the latency and anomaly-score histograms are scraped as OpenMetrics, then their buckets carry trace ids of exported traces as exemplars', async () => {
    const exemplar = await eventually('an exemplar with a trace id', async () => {
      const text = await (
        await fetch(`${detector.metricsUrl}/metrics`, { headers: { accept: 'application/openmetrics-text' } })
      ).text();
      const exemplarOf = (histogram: string) =>
        new RegExp(`${histogram}_bucket\\{[^}]*\\} \\d+ # \\{trace_id="([0-9a-f]{32})"\\}`).exec(text)?.[1];
      const latency = exemplarOf('sensorwatch_end_to_end_latency_seconds');
      return latency && exemplarOf('sensorwatch_anomaly_score') ? latency : undefined;
    });
    await eventually('the exemplar’s trace to be exported', async () =>
      receiver.spans.some((s) => s.traceId === exemplar && s.kind === KIND.consumer) ? true : undefined,
    );
  });

  it('when the API is called, then the exporter exports its HTTP server span', async () => {
    await fetch(`${exporter.metricsUrl}/api/anomalies/latest?limit=1`);
    const span = await eventually('an HTTP server span from the exporter', async () =>
      receiver.spans.find((s) => s.service === 'sensorwatch-exporter' && s.kind === KIND.server),
    );
    expect(String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? '')).toContain(
      '/api/anomalies/latest',
    );
  });
});
