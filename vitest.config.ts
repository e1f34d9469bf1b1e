import { defineConfig } from 'vitest/config';

// Two projects: pure-logic unit tests that run anywhere in milliseconds, and integration tests that talk
// to the real Kafka, Cassandra and Prometheus started by `stack/with-stack.ts`.
export default defineConfig({
  test: {
    // Integration tests share one real cluster and one of them stops a broker: run files one at a time.
    // Unit test files take milliseconds each, so they lose nothing by it.
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          // Every test file outside test/, found by glob: a test in a new folder runs without a line here.
          include: ['**/*.test.ts'],
          exclude: ['test/**', '**/node_modules/**', '.stack/**', 'dist/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/faults/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Fault scenarios (npm run test:faults): brokers, detectors and Cassandra killed under load, then
        // an exact reconciliation. Minutes each; they stop shared services, so never beside other tests.
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          testTimeout: 420_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
