import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { runMain } from '../common/config/run-main.js';
import { loadStackConfig } from './config.js';
import { StackError } from './errors.js';
import { cqlshConnectArgs, ensureCqlsh } from './install/cqlsh.js';
import { installStack } from './install/index.js';
import { pathsOf } from './paths.js';
import { relativeToCwd } from './process/supervisor.js';
import { checkPrometheusConfig } from './prometheus-checks.js';
import { logTail } from './readiness.js';
import { loadStackSecrets } from './secrets.js';
import { SERVICE_NAMES } from './services/registry.js';
import { type StatusRow, secondsSince, stackDown, stackStatus, stackUp } from './stack.js';

const USAGE = `Usage: tsx stack/cli.ts <command>

  install            download Kafka, Cassandra, the JMX exporter, Prometheus and Alertmanager
  up [--pipeline]    install what is missing, start what is not running, wait until all is ready;
                     --pipeline also runs the producers, the detector and the exporter
  down [service…]    stop the stack's processes (all, or the named ones)
  status             what runs, on which ports, with which pid and memory
  logs [service] [-f] last lines of each service's log (or follow one)
  check-prometheus   promtool: check the config and rules, run the rule tests
  cqlsh [args…]      cqlsh (from PyPI, installed on first use) connected to the stack's Cassandra

Services: ${SERVICE_NAMES.join(', ')}`;

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const config = loadStackConfig();
  const paths = pathsOf(config);
  try {
    switch (command) {
      case 'install': {
        const installed = await installStack(paths, log);
        log(
          `Installed under ${relativeToCwd(config.home)}: ${Object.values(installed).map(relativeToCwd).join(', ')}`,
        );
        return;
      }
      case 'up': {
        const t0 = Date.now();
        const { services } = await stackUp(config, log, { pipeline: args.includes('--pipeline') });
        log(`\nThe stack is up (${secondsSince(t0)} s).`);
        printStatus(await stackStatus(config));
        log('');
        for (const service of services) {
          for (const [what, address] of Object.entries(service.endpoints)) {
            log(`  ${`${service.name} ${what}`.padEnd(22)} ${address}`);
          }
        }
        log(
          '\nStatus: npm run stack:status   Logs: npm run stack:logs [-- <service> -f]   Stop: npm run stack:down',
        );
        return;
      }
      case 'down':
        await stackDown(config, log, args.length > 0 ? validServices(args) : undefined);
        return;
      case 'status':
        printStatus(await stackStatus(config));
        return;
      case 'logs':
        await showLogs(paths.log, args);
        return;
      case 'check-prometheus':
        await checkPrometheusConfig(log);
        return;
      case 'cqlsh': {
        const cqlsh = await ensureCqlsh(paths, log);
        const connect = cqlshConnectArgs(paths, loadStackSecrets(paths));
        const child = spawn(cqlsh, [...connect, ...args], { stdio: 'inherit' });
        process.exitCode = await new Promise<number>((resolve) =>
          child.on('close', (code) => resolve(code ?? 1)),
        );
        return;
      }
      default:
        console.error(USAGE);
        process.exitCode = command === undefined || command === 'help' ? 0 : 2;
    }
  } catch (error) {
    if (error instanceof StackError) {
      console.error(`\n✗ ${error.describe()}`);
      process.exit(1);
    }
    throw error;
  }
}

function validServices(names: readonly string[]): string[] {
  const unknown = names.filter((n) => !SERVICE_NAMES.includes(n));
  if (unknown.length > 0)
    throw new StackError(`Unknown service ${unknown.join(', ')}; services are ${SERVICE_NAMES.join(', ')}`);
  return [...names];
}

function printStatus(rows: readonly StatusRow[]): void {
  log(`${'SERVICE'.padEnd(14)}${'STATE'.padEnd(7)}${'PID'.padEnd(9)}${'RSS'.padEnd(9)}PORTS`);
  for (const row of rows) {
    const ports = row.ports
      ? Object.entries(row.ports)
          .map(([k, v]) => `${k}:${v}`)
          .join(' ')
      : '';
    const rss = row.rssMb === undefined ? '' : `${row.rssMb} MiB`;
    log(
      `${row.name.padEnd(14)}${row.state.padEnd(7)}${String(row.pid ?? '').padEnd(9)}${rss.padEnd(9)}${ports}`,
    );
  }
}

async function showLogs(logOf: (service: string) => string, args: readonly string[]): Promise<void> {
  const follow = args.includes('-f') || args.includes('--follow');
  const names = validServices(args.filter((a) => !a.startsWith('-')));
  if (follow) {
    if (names.length !== 1) throw new StackError('Follow one service at a time: stack:logs <service> -f');
    const child = spawn('tail', ['-n', '50', '-F', logOf(names[0] as string)], { stdio: 'inherit' });
    await new Promise((resolve) => child.on('close', resolve));
    return;
  }
  for (const name of names.length > 0 ? names : SERVICE_NAMES) {
    const file = logOf(name);
    if (!existsSync(file)) continue;
    log(`==> ${relativeToCwd(file)} <==`);
    log(logTail(file, names.length > 0 ? 100 : 15));
    log('');
  }
}

runMain(main);
