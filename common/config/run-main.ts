import { ConfigError } from './env.js';

/**
 * Runs a service's entry point and turns a configuration error into one clear message and exit code 2,
 * instead of a stack trace. Any other failure exits with 1.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
