import { describe, expect, it } from 'vitest';
import { generateSecrets } from '../secrets.js';
import { kafkaNode } from '../topology.js';
import { renderKafkaServerProperties } from './kafka.js';

function parse(properties: string): Map<string, string> {
  return new Map(
    properties
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );
}

describe('renderKafkaServerProperties', () => {
  const secrets = generateSecrets();
  const props = parse(renderKafkaServerProperties(kafkaNode(2), '/data/kafka-2/logs', secrets));

  it('makes the node a broker and a voter of the static 3-node quorum', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('2');
    expect(props.get('controller.quorum.voters')).toBe(
      '1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093',
    );
    expect(props.get('listeners')).toBe('SASL_PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093');
    expect(props.get('advertised.listeners')).toBe('SASL_PLAINTEXT://127.0.0.1:29092');
    expect(props.has('zookeeper.connect')).toBe(false);
  });

  it('requires a login on every listener: SCRAM for clients and brokers, PLAIN towards the controllers', () => {
    const protocols = (props.get('listener.security.protocol.map') ?? '').split(',');
    expect(protocols.every((entry) => entry.endsWith(':SASL_PLAINTEXT'))).toBe(true);
    expect(props.get('inter.broker.listener.name')).toBe('SASL_PLAINTEXT');
    expect(props.get('sasl.enabled.mechanisms')).toBe('SCRAM-SHA-512');
    expect(props.get('sasl.mechanism.inter.broker.protocol')).toBe('SCRAM-SHA-512');
    expect(props.get('listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config')).toContain(
      `password="${secrets.KAFKA_BROKER_PASSWORD}"`,
    );
    expect(props.get('sasl.mechanism.controller.protocol')).toBe('PLAIN');
    expect(props.get('listener.name.controller.plain.sasl.jaas.config')).toContain(
      `user_controller="${secrets.KAFKA_CONTROLLER_PASSWORD}"`,
    );
  });

  it('replicates every topic, internal ones included, three ways with two in sync', () => {
    expect(props.get('default.replication.factor')).toBe('3');
    expect(props.get('min.insync.replicas')).toBe('2');
    expect(props.get('offsets.topic.replication.factor')).toBe('3');
    expect(props.get('transaction.state.log.replication.factor')).toBe('3');
    expect(props.get('transaction.state.log.min.isr')).toBe('2');
    expect(props.get('unclean.leader.election.enable')).toBe('false');
  });

  it('keeps its data in its own folder and its own rack', () => {
    expect(props.get('log.dirs')).toBe('/data/kafka-2/logs');
    expect(props.get('broker.rack')).toBe('rack-2');
  });

  it('answers followers at once unless told to gather bytes, then waits at most 50 ms for them', () => {
    expect(props.has('replica.fetch.min.bytes')).toBe(false);
    // Not gathering, a follower's idle long poll is short, so a partition that moved joins its fetches soon.
    expect(props.get('replica.fetch.wait.max.ms')).toBe('100');
    const gathering = parse(renderKafkaServerProperties(kafkaNode(1), '/data', secrets, 65_536));
    expect(gathering.get('replica.fetch.min.bytes')).toBe('65536');
    expect(gathering.get('replica.fetch.wait.max.ms')).toBe('50');
  });

  it('gives each voter its own quorum fetch timeout, so that two never stand for election together', () => {
    const timeouts = [1, 2, 3].map((id) =>
      Number(
        parse(renderKafkaServerProperties(kafkaNode(id), '/data', secrets)).get(
          'controller.quorum.fetch.timeout.ms',
        ),
      ),
    );
    expect(new Set(timeouts).size).toBe(3);
    // Far enough apart for a vote to go round first; none near the 1 s that expired on live voters
    // under load.
    const sorted = [...timeouts].sort((a, b) => a - b);
    expect(Math.min(...timeouts)).toBeGreaterThanOrEqual(1_500);
    for (let i = 1; i < sorted.length; i++)
      expect((sorted[i] ?? 0) - (sorted[i - 1] ?? 0)).toBeGreaterThanOrEqual(200);
  });
});
