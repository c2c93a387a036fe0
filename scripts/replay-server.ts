import { exitWithUsage, parseCommandLine } from './lib/cli.js';
import { readHistoryDatasetFile } from './lib/history-dataset.js';
import {
  type Fault,
  type ReplayServerOptions,
  startReplayServer,
  UPSTREAM_SOURCES,
  type UpstreamSource,
} from './lib/replay-server.js';

/**
 * Runs the upstream replay server on its own so a local stack or a benchmark in another
 * process can point DOF_URL / FIXER_BASE_URL / BANXICO_BASE_URL at it and steer it via
 * /__replay/*. Usage:
 *
 *   node --import tsx scripts/replay-server.ts [--port N] [--latency dof=300,fixer=600,banxico=900]
 *     [--fixer-access-key KEY] [--banxico-token TOKEN] [--history-dataset FILE]
 *
 * Prints one JSON line with the URLs once listening (a parent process can wait for it).
 */

const DEFAULT_PORT = 4010;

const USAGE = `Usage:
  node --import tsx scripts/replay-server.ts [options]

Serves real captured upstream answers (DOF page, Fixer, Banxico SIE) and prints one JSON
line with the URLs once listening; steer it with /__replay/*. Ctrl-C stops it.

Options:
  --port N                     (default REPLAY_PORT, then ${DEFAULT_PORT})
  --host HOST                  (default 127.0.0.1)
  --latency dof=300,fixer=600,banxico=900
                               a baseline latency per upstream, kept across /__replay/reset
  --fixer-access-key KEY       the key the fake Fixer accepts
  --banxico-token TOKEN        the token the fake SIE accepts
  --history-dataset FILE       a synthetic history (JSON, "synthetic": true) for SIE ranges and
                               Fixer historical days, instead of the real captures' values
  -h, --help                   this text`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function parsePort(raw: string, origin: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 65_535)
    throw new UsageError(`${origin} must be a port number (0-65535)`);
  return Number(raw);
}

function parseLatency(raw: string): Partial<Record<UpstreamSource, Fault>> {
  const faults: Partial<Record<UpstreamSource, Fault>> = {};
  for (const part of raw.split(',')) {
    const [source, ms, ...rest] = part.trim().split('=');
    const known = UPSTREAM_SOURCES.find((candidate) => candidate === source);
    if (known === undefined || ms === undefined || rest.length > 0 || !/^\d+$/.test(ms)) {
      throw new UsageError(`--latency expects e.g. dof=300,fixer=600,banxico=900; got "${part}"`);
    }
    faults[known] = { latencyMs: Number(ms) };
  }
  return faults;
}

function readOptions(): ReplayServerOptions & { historyFile?: string } {
  const { values } = parseCommandLine('replay-server', USAGE, {
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      latency: { type: 'string' },
      'fixer-access-key': { type: 'string' },
      'banxico-token': { type: 'string' },
      'history-dataset': { type: 'string' },
    },
  });
  const envPort = process.env.REPLAY_PORT?.trim();
  const port =
    values.port !== undefined
      ? parsePort(values.port, '--port')
      : envPort !== undefined && envPort !== ''
        ? parsePort(envPort, 'REPLAY_PORT')
        : DEFAULT_PORT;
  const options: ReplayServerOptions & { historyFile?: string } = { port };
  if (values['history-dataset'] !== undefined) options.historyFile = values['history-dataset'];
  if (values.host !== undefined) options.host = values.host;
  // Latency goes in as a baseline so POST /__replay/reset between benchmark runs keeps it.
  if (values.latency !== undefined) options.baselineFaults = parseLatency(values.latency);
  if (values['fixer-access-key'] !== undefined) options.fixerAccessKey = values['fixer-access-key'];
  if (values['banxico-token'] !== undefined) options.banxicoToken = values['banxico-token'];
  return options;
}

async function main(): Promise<void> {
  let options: ReplayServerOptions & { historyFile?: string };
  try {
    options = readOptions();
  } catch (error) {
    exitWithUsage('replay-server', USAGE, error instanceof Error ? error.message : String(error));
  }
  const { historyFile, ...serverOptions } = options;
  if (historyFile !== undefined) {
    serverOptions.history = await readHistoryDatasetFile(historyFile);
    // stdout's first line stays the URLs alone; which data is served goes to stderr.
    console.error(`replay server: history dataset "${serverOptions.history.name}" (${historyFile})`);
  }
  const server = await startReplayServer(serverOptions);
  const { url, dofUrl, fixerBaseUrl, banxicoBaseUrl } = server;
  console.log(JSON.stringify({ url, dofUrl, fixerBaseUrl, banxicoBaseUrl }));

  const stop = (): void => {
    server.close().then(
      // Nothing else holds the event loop, so the process ends on its own with code 0.
      () => undefined,
      (error: unknown) => {
        console.error('replay server: close failed', error);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('replay server: failed to start', error);
  process.exitCode = 1;
});
