import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaClient } from '../../../common/kafka/kafkajs.js';
import { profileNames } from '../../../common/reading/profiles.js';
import type { Reading } from '../../../common/reading/reading.js';
import { Fleet } from '../../../producer/fleet.js';
import { createKafkaReadingPublisher } from '../../../producer/readings.publisher.js';

/** The identity of a stored reading: its row key in readings_by_station. */
export function rowKey(stationId: string, tsMs: number, seq: number): string {
  return `${stationId}|${tsMs}|${seq}`;
}

export interface SteadyLoadOptions {
  readonly topic: string;
  /** Stations per profile; every profile is simulated, one reading per station each interval. */
  readonly stationsPerProfile: number;
  readonly intervalMs: number;
  /** Makes station ids unique to the scenario. */
  readonly replicaId: string;
}

/**
 * Simulated stations publishing through the producer's own publisher (idempotent, acks=all), the way a
 * producer replica does, keeping a ledger of every reading Kafka acknowledged: what must end up in
 * Cassandra, exactly once. A failed send is retried with the same readings, as the producer does.
 */
export class SteadyLoad {
  /** Row keys of the acknowledged readings, by station. */
  readonly acked = new Map<string, Set<string>>();
  private readonly fleet: Fleet;
  sendFailures = 0;
  /** The longest a send waited for its acknowledgement, or for a retry to succeed, in ms. */
  longestStallMs = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly publisher;

  constructor(
    kafka: KafkaClient,
    private readonly options: SteadyLoadOptions,
  ) {
    this.fleet = new Fleet({
      replicaId: options.replicaId,
      profiles: profileNames(),
      stations: options.stationsPerProfile,
      anomalyRate: 0.03,
      originTs: Date.now(),
    });
    this.publisher = createKafkaReadingPublisher(kafka, options.topic);
  }

  get ratePerSecond(): number {
    return (this.fleet.stations.length * 1000) / this.options.intervalMs;
  }

  async start(): Promise<void> {
    await this.publisher.connect();
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the readings in hand are acknowledged, so the ledger is final. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.publisher.disconnect();
  }

  private async run(): Promise<void> {
    let nextTick = Date.now();
    while (this.running) {
      const readings = this.fleet.tick(nextTick);
      nextTick += this.options.intervalMs;
      await this.publishUntilAcked(readings);
      const aheadMs = nextTick - Date.now();
      if (aheadMs > 0) await sleep(aheadMs);
    }
  }

  private async publishUntilAcked(readings: readonly Reading[]): Promise<void> {
    const started = Date.now();
    while (true) {
      try {
        await this.publisher.publish(readings);
        break;
      } catch {
        this.sendFailures += 1;
        await sleep(200);
      }
    }
    this.longestStallMs = Math.max(this.longestStallMs, Date.now() - started);
    for (const r of readings) {
      const keys = this.acked.get(r.stationId) ?? new Set<string>();
      this.acked.set(r.stationId, keys);
      keys.add(rowKey(r.stationId, Date.parse(r.ts), r.seq));
    }
  }
}
