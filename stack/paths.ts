import path from 'node:path';

/**
 * The layout of the stack's home folder. Downloads (`cache/`) survive `stack:down` and are reused;
 * `data/` holds what the services store; `run/` holds pid records; `logs/` one file per process.
 * A named instance (the tests' is "test") keeps its own conf, data, pid records and logs under
 * `instances/<name>/`, and shares the downloads and the secrets: the test command's data never mixes
 * with the data of `npm start`.
 */
export function stackPaths(home: string, instance = '') {
  const own = instance ? path.join(home, 'instances', instance) : home;
  return {
    home,
    instance,
    cache: path.join(home, 'cache'),
    mavenRepo: path.join(home, 'cache', 'm2'),
    lib: (bundle: string) => path.join(home, 'cache', 'lib', bundle),
    conf: (service: string) => path.join(own, 'conf', service),
    data: (service: string) => path.join(own, 'data', service),
    run: path.join(own, 'run'),
    pidRecord: (service: string) => path.join(own, 'run', `${service}.json`),
    logs: path.join(own, 'logs'),
    log: (service: string) => path.join(own, 'logs', `${service}.log`),
  };
}

/** The paths of the stack `config` names (its home and instance). */
export function pathsOf(config: { readonly home: string; readonly instance: string }) {
  return stackPaths(config.home, config.instance);
}

export type StackPaths = ReturnType<typeof stackPaths>;
