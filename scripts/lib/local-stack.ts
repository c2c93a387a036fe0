import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { takeOwnedPorts } from './owned-ports.js';
import { SERVICE_ROOT } from './template.js';

export interface RunningStack {
  baseUrl: string;
  port: number;
  lambdaPort: number;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  /** Sends the signal to `npm start` only (as Ctrl-C or a supervisor would) and waits for it to exit. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

export interface StackOptions {
  sandbox?: boolean;
  env?: Record<string, string>;
  dataDir?: string;
  timeoutMs?: number;
}

/** How many port pairs a start tries before giving up on EADDRINUSE. */
const START_ATTEMPTS = 5;

/**
 * Starts the real `npm start` (or `start:sandbox`) in a fresh data dir, on ports this
 * worker owns (scripts/lib/owned-ports.ts); a start that still meets EADDRINUSE (a port
 * taken by something outside this run) is retried on the next ports.
 */
export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const baseDataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'tdc-stack-'));
  for (let attempt = 1; ; attempt++) {
    const [port, lambdaPort] = takeOwnedPorts(2) as [number, number];
    try {
      return await launchStack(options, baseDataDir, port, lambdaPort);
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt === START_ATTEMPTS) throw error;
      process.stderr.write(`[stack] ${error.message}; retrying on other ports\n`);
    }
  }
}

class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

async function launchStack(
  options: StackOptions,
  baseDataDir: string,
  port: number,
  lambdaPort: number,
): Promise<RunningStack> {
  // The sandbox keeps its data beside the live stack's (scripts/start.ts).
  const dataDir = options.sandbox ? path.join(baseDataDir, 'sandbox') : baseDataDir;
  const child = spawn('npm', ['run', options.sandbox ? 'start:sandbox' : 'start'], {
    cwd: SERVICE_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      LAMBDA_PORT: String(lambdaPort),
      DATA_DIR: baseDataDir,
      REPLAY_PORT: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`stack not ready in time:\n${output.slice(-3000)}`)),
      options.timeoutMs ?? 120_000,
    );
    const onData = () => {
      const match = /tipo-de-cambio ready at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        /EADDRINUSE/.test(output)
          ? new PortInUseError(`port ${port} or ${lambdaPort} is in use`)
          : new Error(`npm start exited with ${code}:\n${output.slice(-3000)}`),
      );
    });
  });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timedOut = await Promise.race([exited.then(() => false), sleep(15_000).then(() => true)]);
    if (timedOut && child.pid !== undefined) {
      // Last resort so a broken stop never leaks processes into the rest of the run.
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
    // npm may exit before the start script has finished stopping its children.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && ((await isListening(port)) || (await isListening(lambdaPort)))) {
      await sleep(100);
    }
  };
  return { baseUrl, port, lambdaPort, dataDir, process: child, output: () => output, stop };
}

export function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The environment that points a stack's three providers at a replay server. */
export function upstreamEnv(
  replay: { dofUrl: string; fixerBaseUrl: string; banxicoBaseUrl: string },
  credentials: { fixerAccessKey: string; banxicoToken: string },
): Record<string, string> {
  return {
    DOF_URL: replay.dofUrl,
    FIXER_BASE_URL: replay.fixerBaseUrl,
    BANXICO_BASE_URL: replay.banxicoBaseUrl,
    FIXER_ACCESS_KEY: credentials.fixerAccessKey,
    BANXICO_TOKEN: credentials.banxicoToken,
  };
}
