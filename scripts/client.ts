/**
 * Client administration: `npm run client:<command> -- [options]`.
 *
 *   client:create     --name acme --plan free|pro   prints {"client_id","client_secret","api_key","plan"}
 *   client:list                                      clients without secrets or keys
 *   client:disable    --client-id=X
 *   client:rotate-key --client-id=X                  prints {"client_id","api_key"}
 *
 * Without --stage they talk to the running local stack (found through
 * <DATA_DIR>/stack.json; --data-dir or PORT/DATA_DIR as for `npm start`). With
 * --stage <name> they use AWS: the stage's table and its API Gateway usage plans.
 * stdout carries only the JSON answer; messages go to stderr.
 */
import path from 'node:path';
import { createApiGatewayKeyRegistry } from '../lib/auth/api-gateway-keys.js';
import {
  type ApiKeyRegistry,
  type ClientAdminDeps,
  createClient,
  disableClient,
  listClients,
  rotateApiKey,
} from '../lib/auth/client-admin.js';
import { createDynamoClientStore } from '../lib/auth/client-store.js';
import { isPlan, PLANS, type Plan } from '../lib/core/plan.js';
import { createTableClient } from '../lib/db/client.js';
import { exitWithUsage, parseCommandLine, UsageError } from './lib/cli.js';
import { isStackRunning, localDataDir, readStackFile } from './lib/stack-file.js';

const SERVICE = 'tipo-de-cambio';
const COMMANDS = ['create', 'list', 'disable', 'rotate-key'] as const;

const USAGE = `Usage:
  npm run -s client:create -- --name NAME [--plan free|pro]   prints {"client_id","client_secret","api_key","plan"}
  npm run -s client:list                                      prints [{"client_id","name","plan","disabled","created_at"}]
  npm run -s client:disable -- --client-id=ID                 prints the disabled client as in client:list
  npm run -s client:rotate-key -- --client-id=ID              prints {"client_id","api_key"}

Options:
  --name NAME          the client's name, shown on the web page (create)
  --plan free|pro      its usage plan (create; default free)
  --client-id=ID       the client to act on (disable, rotate-key)
  --stage NAME         act on a deployed stage (its table and API Gateway usage plans)
                       instead of the running local stack
  --region REGION      with --stage (default AWS_REGION, then us-east-1)
  --data-dir DIR       the local stack's data directory (default as for npm start)
  -h, --help           this text

The secret is shown once, at creation. stdout carries only the JSON answer; messages go
to stderr. Exit 0 on success, 1 on failure, 2 on a wrong command line.`;

/** The command that starts the stack of `dataDir` again: the sandbox keeps its data in `<dir>/sandbox`. */
function restartCommand(dataDir: string): string {
  const port = process.env.PORT?.trim();
  const prefix = port && port !== '3000' ? `PORT=${port} ` : '';
  return dataDir.endsWith(`${path.sep}sandbox`) ? `${prefix}npm run start:sandbox` : `${prefix}npm start`;
}

async function connect(values: {
  stage?: string | undefined;
  region?: string | undefined;
  'data-dir'?: string | undefined;
}) {
  if (values.stage !== undefined) {
    const region = values.region ?? process.env.AWS_REGION ?? 'us-east-1';
    const { APIGatewayClient } = await import('@aws-sdk/client-api-gateway');
    const registry: ApiKeyRegistry = createApiGatewayKeyRegistry(new APIGatewayClient({ region }), {
      service: SERVICE,
      stage: values.stage,
    });
    const table = createTableClient({
      region,
      dynamodbEndpoint: undefined,
      tableName: `${SERVICE}-${values.stage}`,
    });
    return { table, registry };
  }
  const dataDir = localDataDir(process.env, values['data-dir']);
  const stack = readStackFile(dataDir);
  if (stack === undefined) {
    throw new Error(`No running local stack found in ${dataDir} (start one with npm start, or pass --stage)`);
  }
  if (!isStackRunning(stack)) {
    throw new Error(
      `The local stack in ${dataDir} is not running: its process ${stack.pid} is gone (killed without ` +
        `cleaning up; stack.json is stale). Start it again (${restartCommand(dataDir)}), or pass --stage.`,
    );
  }
  const table = createTableClient({
    region: 'us-east-1',
    dynamodbEndpoint: stack.dynamodbEndpoint,
    tableName: stack.tableName,
  });
  return { table, registry: undefined };
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${flag} is required`);
  return value.trim();
}

type Action =
  | { command: 'create'; name: string; plan: Plan }
  | { command: 'list' }
  | { command: 'disable' | 'rotate-key'; clientId: string };

/** The whole command line checked before any stack or AWS is reached: a wrong option is exit 2 either way. */
function checkedAction(
  command: (typeof COMMANDS)[number],
  values: { name?: string | undefined; plan?: string | undefined; 'client-id'?: string | undefined },
): Action {
  if (command === 'list') return { command };
  if (command !== 'create') return { command, clientId: required(values['client-id'], 'client-id') };
  const name = required(values.name, 'name');
  const plan = values.plan ?? 'free';
  if (!isPlan(plan)) throw new UsageError(`--plan must be one of ${PLANS.join(', ')}`);
  return { command, name, plan };
}

async function main(argv: string[]): Promise<unknown> {
  const { values, positionals } = parseCommandLine(
    'client',
    USAGE,
    {
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        plan: { type: 'string' },
        'client-id': { type: 'string' },
        stage: { type: 'string' },
        region: { type: 'string' },
        'data-dir': { type: 'string' },
      },
    },
    argv,
  );
  const [command, ...extra] = positionals;
  const known = COMMANDS.find((name) => name === command);
  if (known === undefined) throw new UsageError(`the command must be one of ${COMMANDS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const action = checkedAction(known, values);
  const { table, registry } = await connect(values);
  const deps: ClientAdminDeps = { store: createDynamoClientStore(table), registry, now: () => new Date() };
  try {
    switch (action.command) {
      case 'create':
        return await createClient(deps, { name: action.name, plan: action.plan });
      case 'list':
        return await listClients(deps);
      case 'disable':
        return await disableClient(deps, action.clientId);
      default:
        return await rotateApiKey(deps, action.clientId);
    }
  } finally {
    table.doc.destroy();
  }
}

main(process.argv.slice(2)).then(
  (answer) => {
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) exitWithUsage('client', USAGE, message);
    process.stderr.write(`client: ${message}\n`);
    process.exitCode = 1;
  },
);
