/**
 * `npm run refresh`: runs the scheduled refresher once on the running local stack,
 * through serverless-offline's Lambda invoke endpoint (so it uses the stack's own
 * upstream configuration and secrets). In AWS: `npx serverless invoke -f refresher --stage <stage>`.
 */
import { readInteger } from '../lib/config.js';
import { parseCommandLine } from './lib/cli.js';
import { localDataDir, readStackFile } from './lib/stack-file.js';

parseCommandLine(
  'refresh',
  `Usage:
  npm run refresh            refresh what is due on the running local stack, once

Runs the scheduled refresher Lambda through serverless-offline's invoke endpoint and
prints its answer. The stack is found as client:* find it (its stack.json under DATA_DIR,
or the data directory of PORT); LAMBDA_PORT overrides the port (default 3002). Exit 0 on success, 1 when the stack is
not running or failed. On AWS: npx serverless invoke -f refresher --stage <stage>.

Options:
  -h, --help                 this text`,
  { options: {} },
);

// The running stack's own Lambda port (stack.json), as client:* find their stack; LAMBDA_PORT wins.
const fromStackFile = readStackFile(localDataDir(process.env))?.lambdaPort;
const lambdaPort = process.env.LAMBDA_PORT?.trim()
  ? readInteger(process.env, 'LAMBDA_PORT', 3002, 1, 65535)
  : (fromStackFile ?? 3002);
const url = `http://127.0.0.1:${lambdaPort}/2015-03-31/functions/tipo-de-cambio-local-refresher/invocations`;

try {
  const response = await fetch(url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  if (!response.ok) {
    process.stderr.write(`refresh: the stack answered HTTP ${response.status}\n`);
    process.exit(1);
  }
  process.stdout.write(`${text}\n`);
} catch (error) {
  process.stderr.write(
    `refresh: no local stack on Lambda port ${lambdaPort} (${error instanceof Error ? error.message : String(error)}). Start it with npm start.\n`,
  );
  process.exit(1);
}
