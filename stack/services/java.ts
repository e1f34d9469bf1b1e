import { readdirSync } from 'node:fs';
import path from 'node:path';
import { StackError } from '../errors.js';

/** Flags every JVM of the stack gets: a fixed heap (no resizing pauses) and the JMX exporter agent. */
export function jvmBaseArgs({
  heapMb,
  jmxAgentJar,
  jmxPort,
  jmxConfig,
  gcArgs = ['-XX:+UseG1GC'],
}: {
  heapMb: number;
  /** The collector and its settings. */
  gcArgs?: readonly string[];
  jmxAgentJar: string;
  jmxPort: number;
  jmxConfig: string;
}): string[] {
  return [
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    ...gcArgs,
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    // The agent serves /metrics on 127.0.0.1:<port> from the JVM's own MBeans: no remote JMX needed.
    `-javaagent:${jmxAgentJar}=127.0.0.1:${jmxPort}:${jmxConfig}`,
  ];
}

export function classpathOf(libDir: string): string {
  return path.join(libDir, '*');
}

/** The one jar in `libDir` whose name starts with `prefix` (versions come from the resolved bundle). */
export function findJar(libDir: string, prefix: string): string {
  const jar = readdirSync(libDir).find((f) => f.startsWith(prefix) && f.endsWith('.jar'));
  if (!jar) throw new StackError(`No ${prefix}*.jar in ${libDir}; delete that folder to download it again`);
  return path.join(libDir, jar);
}
