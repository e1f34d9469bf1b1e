import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StackPaths } from '../paths.js';
import { runCommandOrFail } from '../process/run-command.js';
import { relativeToCwd } from '../process/supervisor.js';

export interface MavenArtifact {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
}

/** A set of artifacts resolved together, with their transitive dependencies, into one folder of jars. */
export interface MavenBundle {
  readonly name: string;
  readonly artifacts: readonly MavenArtifact[];
}

/** A throwaway pom whose only job is to let `dependency:copy-dependencies` resolve the bundle. */
export function renderPom(bundle: MavenBundle): string {
  const dependencies = bundle.artifacts
    .map(
      (a) =>
        `    <dependency><groupId>${a.groupId}</groupId><artifactId>${a.artifactId}</artifactId>` +
        `<version>${a.version}</version></dependency>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>sensorwatch.stack</groupId>
  <artifactId>${bundle.name}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${dependencies}
  </dependencies>
</project>
`;
}

/** Folder name of a bundle: changing any artifact or version gives a new folder, so nothing stale is reused. */
export function bundleFolderName(bundle: MavenBundle): string {
  const digest = createHash('sha256').update(renderPom(bundle)).digest('hex').slice(0, 12);
  return `${bundle.name}-${digest}`;
}

const COMPLETE_MARKER = '.complete';

/**
 * Returns the folder holding the bundle's jars, resolving them from Maven Central on first use. A marker
 * written last means an interrupted download is redone rather than used half-complete.
 */
export async function ensureMavenBundle(paths: StackPaths, bundle: MavenBundle, log: (line: string) => void) {
  const libDir = paths.lib(bundleFolderName(bundle));
  if (existsSync(path.join(libDir, COMPLETE_MARKER))) return libDir;

  log(
    `Resolving ${bundle.name} from Maven Central (${bundle.artifacts.map((a) => a.artifactId).join(', ')})…`,
  );
  await rm(libDir, { recursive: true, force: true });
  await mkdir(libDir, { recursive: true });
  const pomDir = path.join(paths.cache, 'poms', bundle.name);
  await mkdir(pomDir, { recursive: true });
  await writeFile(path.join(pomDir, 'pom.xml'), renderPom(bundle));
  await runCommandOrFail(
    `Resolving ${bundle.name} with Maven`,
    'mvn',
    [
      '-B',
      '-q',
      `-Dmaven.repo.local=${paths.mavenRepo}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${libDir}`,
      // The bundle is a runtime classpath: test- and provided-scoped jars are not wanted.
      '-DincludeScope=runtime',
    ],
    { cwd: pomDir },
  );
  const jars = (await readdir(libDir)).filter((f) => f.endsWith('.jar'));
  log(`  ${jars.length} jars in ${relativeToCwd(libDir)}`);
  await writeFile(path.join(libDir, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  return libDir;
}
