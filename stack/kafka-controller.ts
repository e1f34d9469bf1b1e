import { HOST, KAFKA_NODES } from './topology.js';

/**
 * The node that is the KRaft quorum's active controller now, read from each node's JMX exporter
 * (ActiveControllerCount is 1 on exactly one node); undefined while there is none.
 */
export async function activeController(): Promise<string | undefined> {
  for (const node of KAFKA_NODES) {
    const text = await fetch(`http://${HOST}:${node.jmxExporterPort}/metrics`, {
      signal: AbortSignal.timeout(3_000),
    })
      .then((response) => response.text())
      .catch(() => '');
    if (/^kafka_controller_active_controller_count 1(\.0)?$/m.test(text)) return node.name;
  }
  return undefined;
}
