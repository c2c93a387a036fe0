/**
 * `npm start`: the whole service on this machine, no AWS account, no network.
 * dynalite (persisted under DATA_DIR) → the table from serverless.yml → serverless
 * offline on 127.0.0.1:PORT. `--sandbox` also starts the upstream replay server and
 * points the providers at it. Ctrl-C / SIGTERM stop every child this started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { loadConfig, readInteger, readOrCreateLocalSecret } from '../lib/config.js';
import { parseCommandLine } from './lib/cli.js';
import { ensureDemoClient } from './lib/demo-client.js';
import { EXIT_WITH_PARENT, ensureTable, startDynalite } from './lib/local-db.js';
import { isStackRunning, readStackFile, removeStackFile, writeStackFile } from './lib/stack-file.js';
import { SERVICE_ROOT } from './lib/template.js';

const USAGE = `Usage:
  npm start                  the API on http://127.0.0.1:3000 with an embedded DynamoDB
  npm run start:sandbox      the same, with the three upstreams replayed from real captures

Options:
  --sandbox                  what start:sandbox passes
  -h, --help                 this text

Environment: PORT (3000), LAMBDA_PORT (3002), DATA_DIR (.data), FIXER_ACCESS_KEY and
BANXICO_TOKEN (without them those sources answer errors; see the README), START_VERBOSE=1
for serverless-offline's own output. Ctrl-C stops everything it started.`;
const { values: options } = parseCommandLine('start', USAGE, {
  options: { sandbox: { type: 'boolean', default: false } },
});
const sandbox = options.sandbox;
const env: Record<string, string | undefined> = { ...process.env, STAGE: 'local' };
// On Node < 22 the AWS SDK warns that its 2027 releases need Node 22 (NodeVersionSupportWarning),
// once per module instance: this script prints it once, then serverless-offline would print
// it again for every function it loads. The children are told to skip it (the SDK's own
// switch); this process still shows it once, so the person at the terminal sees it.
env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true';
const port = readInteger(env, 'PORT', 3000, 1, 65535);
const lambdaPort = readInteger(env, 'LAMBDA_PORT', 3002, 1, 65535);
// Each stack (by PORT) keeps its own data so two stacks can run side by side, and the
// sandbox keeps its own beside it: replayed 2020 values must never be served by a real
// stack, nor a real stack's failures (backoffs, budget) follow the sandbox.
const baseDataDir = path.resolve(
  SERVICE_ROOT,
  env.DATA_DIR || (port === 3000 ? '.data' : `.data/stack-${port}`),
);
const dataDir = sandbox ? path.join(baseDataDir, 'sandbox') : baseDataDir;
env.DATA_DIR = dataDir;
const UPSTREAMS_MARKER = 'upstreams';

const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
let stopping = false;

function log(line: string) {
  process.stderr.write(`[start] ${line}\n`);
}

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const child of children.reverse()) killTree(child, 'SIGTERM');
    await Promise.race([
      Promise.all(
        children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child) : null)),
      ),
      new Promise((r) => setTimeout(r, 5000)),
    ]);
    for (const child of children) killTree(child, 'SIGKILL');
    for (const cleanup of cleanups) await cleanup();
  }
  process.exit(code);
}

function once(child: ChildProcess) {
  return new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

function killTree(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Offline is started in its own process group: this reaches esbuild and workers too.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    void stop(0);
  });
}

// If whoever started us (npm, a supervisor) dies without passing the signal on, stop too:
// an orphaned stack would keep its ports.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) {
    log('parent process gone: stopping');
    void stop(0);
  }
}, 500).unref();

async function waitForHealth(baseUrl: string, offline: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (offline.exitCode !== null || offline.signalCode !== null)
      throw new Error('serverless offline exited');
    try {
      const response = await fetch(`${baseUrl}/v1/health`, { signal: AbortSignal.timeout(3000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the stack did not become healthy within ${timeoutMs} ms`);
}

/** A path as the user would type it: relative inside the project, absolute outside. */
function shown(dir: string): string {
  const relative = path.relative(SERVICE_ROOT, dir);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? dir : relative;
}

/** Refuses a data directory that holds the other kind of data (set by hand with DATA_DIR). */
function claimDataDir() {
  const kind = sandbox ? 'sandbox' : 'live';
  const marker = path.join(dataDir, UPSTREAMS_MARKER);
  const previous = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
  if (previous !== undefined && previous !== kind) {
    throw new Error(
      `${shown(dataDir)} holds ${previous} data; ` +
        `${sandbox ? 'npm run start:sandbox' : 'npm start'} needs its own DATA_DIR`,
    );
  }
  writeFileSync(marker, `${kind}\n`);
}

/** Whether something already listens on 127.0.0.1:`candidate` (a bind there fails). */
function portTaken(candidate: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen(candidate, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

/**
 * Refuses to start over a running stack, before anything is touched: a second start on
 * the same ports used to delete the first one's build folder (every route then answered
 * 502) and to print a "ready" line that the first stack's health check had earned. The
 * message keeps the word EADDRINUSE, which scripts/lib/local-stack.ts retries on.
 */
async function refuseRunningStack() {
  const running = readStackFile(dataDir);
  // A stack stopped a moment ago (Ctrl-C, then npm start again) may still be stopping its
  // children: give it the 5 s its stop allows them, plus a margin, before calling it running.
  for (let waited = 0; running !== undefined && isStackRunning(running) && waited < 8000; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (running !== undefined && running.pid !== process.pid && isStackRunning(running)) {
    throw new Error(
      `a stack already runs from ${shown(dataDir)} (pid ${running.pid}, ${running.baseUrl}); stop it first`,
    );
  }
  for (const [name, candidate] of [
    ['PORT', port],
    ['LAMBDA_PORT', lambdaPort],
  ] as const) {
    if (await portTaken(candidate)) {
      throw new Error(
        `port ${candidate} (${name}) is already in use (EADDRINUSE): another stack? ` +
          'Stop it, or start this one on other ports, e.g. PORT=3100 LAMBDA_PORT=3102 npm start',
      );
    }
  }
}

async function main() {
  mkdirSync(dataDir, { recursive: true });
  await refuseRunningStack();
  claimDataDir();

  if (sandbox) {
    const { startReplayServer } = await import('./lib/replay-server.js');
    const replay = await startReplayServer({
      ...(env.REPLAY_PORT ? { port: Number(env.REPLAY_PORT) } : {}),
    });
    cleanups.push(() => replay.close());
    env.DOF_URL = replay.dofUrl;
    env.FIXER_BASE_URL = replay.fixerBaseUrl;
    env.BANXICO_BASE_URL = replay.banxicoBaseUrl;
    env.FIXER_ACCESS_KEY ||= 'sandbox-fixer-access-key';
    env.BANXICO_TOKEN ||= 'sandbox-banxico-token';
    log(`sandbox upstreams replayed at ${replay.url}`);
  }

  if (!env.DYNAMODB_ENDPOINT) {
    env.LOCAL_DB_DIR = path.join(dataDir, 'dynamodb');
    const db = await startDynalite({ dataPath: env.LOCAL_DB_DIR });
    children.push(db.process);
    db.process.once('exit', (code, signal) => {
      if (!stopping) log(`dynalite stopped (${signal ?? code}); health now reports the database unavailable`);
    });
    env.DYNAMODB_ENDPOINT = db.endpoint;
    log(
      `dynalite at ${db.endpoint} (data in ${path.relative(SERVICE_ROOT, db.process.spawnargs.at(-1) ?? '')})`,
    );
  }

  const config = loadConfig(env);
  await ensureTable(env.DYNAMODB_ENDPOINT, config.tableName);
  env.TABLE_NAME = config.tableName;
  env.JWT_SECRET ||= readOrCreateLocalSecret(dataDir);
  // `npm run client:*` finds this stack's database through <DATA_DIR>/stack.json.
  writeStackFile(dataDir, {
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT,
    tableName: config.tableName,
    baseUrl: `http://127.0.0.1:${port}`,
    pid: process.pid,
    lambdaPort,
  });
  cleanups.push(() => removeStackFile(dataDir));
  const demoClient = await ensureDemoClient(dataDir, config);
  // serverless-esbuild writes here; one folder per stack so side-by-side stacks never share a build.
  env.ESBUILD_WORK_FOLDER = `.esbuild/stack-${port}`;
  // A stale bundle of another format would be loaded first by offline: always build fresh.
  rmSync(path.join(SERVICE_ROOT, env.ESBUILD_WORK_FOLDER), { recursive: true, force: true });
  const buildDir = path.join(SERVICE_ROOT, env.ESBUILD_WORK_FOLDER);
  cleanups.push(() => rmSync(buildDir, { recursive: true, force: true }));

  const cli = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
  const offline = spawn(
    process.execPath,
    [
      // If this script is killed outright (SIGKILL), offline and its workers still stop.
      '--require',
      EXIT_WITH_PARENT,
      cli,
      'offline',
      'start',
      '--stage',
      'local',
      '--host',
      '127.0.0.1',
      '--httpPort',
      String(port),
      '--lambdaPort',
      String(lambdaPort),
    ],
    { cwd: SERVICE_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  children.push(offline);
  const verbose = env.START_VERBOSE === '1';
  offline.stdout?.on('data', (chunk: Buffer) => verbose && process.stderr.write(chunk));
  offline.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  offline.once('exit', (code, signal) => {
    if (!stopping) {
      log(`serverless offline exited (${signal ?? code})`);
      void stop(1);
    }
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, offline, 180_000);
  log(`demo client (kept in ${path.join(path.relative(SERVICE_ROOT, dataDir), 'demo-client.json')}):`);
  log(`  ${JSON.stringify(demoClient)}`);
  const where = shown(dataDir);
  process.stdout.write(
    `tipo-de-cambio ready at ${baseUrl} (${sandbox ? 'sandbox: replayed upstreams' : 'live upstreams'}, data in ${where})\n`,
  );
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  void stop(1);
});
