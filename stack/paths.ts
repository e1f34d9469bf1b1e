import path from 'node:path';

/**
 * The layout of the stack's home folder. Downloads (`cache/`) survive `stack:down` and are reused;
 * `data/` holds what the services store; `run/` holds pid records; `logs/` one file per process.
 */
export function stackPaths(home: string) {
  return {
    home,
    cache: path.join(home, 'cache'),
    mavenRepo: path.join(home, 'cache', 'm2'),
    lib: (bundle: string) => path.join(home, 'cache', 'lib', bundle),
    conf: (service: string) => path.join(home, 'conf', service),
    data: (service: string) => path.join(home, 'data', service),
    run: path.join(home, 'run'),
    pidRecord: (service: string) => path.join(home, 'run', `${service}.json`),
    logs: path.join(home, 'logs'),
    log: (service: string) => path.join(home, 'logs', `${service}.log`),
  };
}

export type StackPaths = ReturnType<typeof stackPaths>;
