import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  describeDetectorRuntime,
  type LadderOptions,
  runStep,
  type StepResult,
  startDetector,
  waitForDrain,
} from './ladder.js';
import { cpuUsPerReading, PIPELINE_PARTS } from './process-cpu.js';

/** Which build a step ran: this checkout's, or the other one given. */
export type Build = 'this' | 'other';

export interface BuildComparison {
  readonly rate: number;
  readonly otherRoot: string;
  /** Detector settings the other build's steps ran with, over the common ones. */
  readonly otherDetectorEnv: Record<string, string>;
  readonly steps: ReadonlyArray<{ readonly build: Build; readonly step: StepResult }>;
  /** Mean µs of CPU per stored reading by part over each build's steps, and this build's over the other's. */
  readonly cpuUsPerReading: Record<Build, Record<string, number>>;
  readonly ratio: Record<string, number>;
  /** Each build's p99 end-to-end latency, step by step. */
  readonly p99Ms: Record<Build, number[]>;
}

/**
 * Two builds of the producers and detector side by side on one stack: steps at `rate` alternate between
 * the other checkout's compiled services and this one's, `rounds` of each, every step with a fresh
 * detector of one group (so each resumes where the last stopped and restores its stations; each works off
 * its own backlog before it stops), after one step that is not counted. The machine's speed drifts by
 * 10 % and more between runs, so a change worth less than that shows only this way.
 */
export async function compareBuilds(
  options: LadderOptions,
  run: string,
  {
    rate,
    otherRoot,
    rounds,
    otherDetectorEnv = {},
  }: { rate: number; otherRoot: string; rounds: number; otherDetectorEnv?: Record<string, string> },
): Promise<BuildComparison> {
  const detector = path.join(otherRoot, 'dist', 'detector', 'main.js');
  if (!existsSync(detector))
    throw new Error(`--ab-root: ${detector} is missing; run "npx tsc -p tsconfig.build.json" there first`);
  const steps: Array<{ build: Build; step: StepResult }> = [];
  // A first step not counted: on a fresh stack Kafka's and Cassandra's JVMs are still compiling their hot
  // code, and read up to twice their later cost (docs/benchmarks.md).
  const warming = await startDetector(options, run);
  try {
    await runStep(warming, rate, options, run);
    await waitForDrain(warming, rate, 300_000);
  } finally {
    await warming.stop();
  }
  for (let round = 0; round < rounds; round++) {
    for (const build of ['other', 'this'] as const) {
      const buildOptions =
        build === 'other'
          ? {
              ...options,
              servicesRoot: otherRoot,
              detectorEnv: { ...options.detectorEnv, ...otherDetectorEnv },
            }
          : options;
      const running = await startDetector(buildOptions, run);
      try {
        const step = await runStep(running, rate, buildOptions, run);
        // A step that fell behind leaves a backlog: the next build would start with it, and its larger
        // fetches and chunks would make it look cheaper. Each build works off its own.
        await waitForDrain(running, rate, 300_000);
        steps.push({ build, step });
        const cpu = cpuUsPerReading(step.coresBy, step.stored);
        console.log(
          `   ${build.padEnd(5)} stored ${Math.round(step.stored)}/s ${step.keptUp ? 'kept up' : 'NOT KEPT UP'}, µs/reading ${PIPELINE_PARTS.map((part) => `${part} ${Math.round(cpu?.[part] ?? Number.NaN)}`).join(', ')}, total ${Math.round(cpu?.total ?? Number.NaN)}; p99 ${Math.round(step.latencyMs.p99)} ms, write p99 ${Math.round(step.cassandraWriteP99Ms)} ms, detector ${describeDetectorRuntime(step)}`,
        );
      } finally {
        await running.stop();
      }
    }
  }
  const mean = (build: Build) => {
    const kept = steps.filter((s) => s.build === build);
    const sums: Record<string, number> = {};
    for (const { step } of kept) {
      const cpu = cpuUsPerReading(step.coresBy, step.stored);
      for (const [part, us] of Object.entries(cpu ?? {})) sums[part] = (sums[part] ?? 0) + us / kept.length;
    }
    return sums;
  };
  const cpu = { this: mean('this'), other: mean('other') };
  // Only where both builds stored readings: a ratio to nothing is no figure.
  const ratio: Record<string, number> = {};
  for (const [part, us] of Object.entries(cpu.this)) {
    const other = cpu.other[part];
    if (other !== undefined && other > 0) ratio[part] = us / other;
  }
  const p99Ms = {
    this: steps.filter((s) => s.build === 'this').map((s) => s.step.latencyMs.p99),
    other: steps.filter((s) => s.build === 'other').map((s) => s.step.latencyMs.p99),
  };
  return { rate, otherRoot, otherDetectorEnv, steps, cpuUsPerReading: cpu, ratio, p99Ms };
}
