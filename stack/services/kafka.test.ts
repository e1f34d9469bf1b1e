import { describe, expect, it } from 'vitest';
import { kafkaNode } from '../topology.js';
import { renderKafkaServerProperties } from './kafka.js';

function parse(properties: string): Map<string, string> {
  return new Map(
    properties
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

describe('renderKafkaServerProperties', () => {
  const props = parse(renderKafkaServerProperties(kafkaNode(2), '/data/kafka-2/logs'));

  it('makes the node a broker and a voter of the static 3-node quorum', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('2');
    expect(props.get('controller.quorum.voters')).toBe(
      '1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093',
    );
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:29092');
    expect(props.has('zookeeper.connect')).toBe(false);
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
});
