import { ConfigError } from './env.js';

/**
 * Runs a service's entry point and turns a configuration error into one clear message and exit code 2,
 * instead of a stack trace. Any other failure exits with 1, and so does an entry point left waiting when
 * nothing is left to run.
 */
export function runMain(main: () => Promise<void>): void {
  let settled = false;
  // Node exits with code 0 when the event loop empties ('beforeExit'; an explicit process.exit does not
  // emit it), even with `main` still waiting on a promise that nothing will settle. That is a bug, never a
  // success: say so and fail.
  process.on('beforeExit', () => {
    if (settled) return;
    console.error('Exited before finishing: the process was left waiting on something that never answered.');
    process.exit(1);
  });
  main()
    .then(() => {
      settled = true;
    })
    .catch((error: unknown) => {
      settled = true;
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exit(2);
      }
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    });
}
