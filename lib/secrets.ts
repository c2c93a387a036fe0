import {
  type AppConfig,
  ConfigError,
  type Env,
  getConfig,
  MIN_SECRET_BYTES,
  readOrCreateLocalSecret,
} from './config.js';
import type { SourceId } from './core/rate.js';
import { CREDENTIAL_VARIABLES } from './core/upstream.js';

/**
 * Secrets never live in serverless.yml or the CloudFormation template. Each one is
 * either the variable itself (local stack, tests) or the name of an SSM SecureString
 * parameter in `<NAME>_SSM`, read at runtime and cached, so packaging needs no
 * credentials and rotating a parameter takes effect within SECRET_CACHE_MS.
 */
export interface Secrets {
  jwtSecret: string;
  fixerAccessKey: string | undefined;
  banxicoToken: string | undefined;
}

export type ReadParameter = (name: string) => Promise<string | undefined>;

const SECRET_CACHE_MS = 15 * 60 * 1000;

async function readSecret(env: Env, name: string, readParameter: ReadParameter): Promise<string | undefined> {
  const direct = env[name]?.trim();
  if (direct) return direct;
  const parameterName = env[`${name}_SSM`]?.trim();
  if (!parameterName) return undefined;
  const value = (await readParameter(parameterName))?.trim();
  if (!value) throw new ConfigError(`${name}: SSM parameter ${parameterName} is empty or missing`);
  return value;
}

export async function resolveSecrets(
  env: Env,
  config: AppConfig,
  readParameter: ReadParameter,
): Promise<Secrets> {
  let jwtSecret = await readSecret(env, 'JWT_SECRET', readParameter);
  if (jwtSecret === undefined && config.isLocal) jwtSecret = readOrCreateLocalSecret(config.dataDir);
  if (jwtSecret === undefined) {
    throw new ConfigError(`JWT_SECRET is not set (nor JWT_SECRET_SSM) for stage ${config.stage}`);
  }
  if (Buffer.byteLength(jwtSecret) < MIN_SECRET_BYTES) {
    throw new ConfigError(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return { jwtSecret, ...(await resolveUpstreamSecrets(env, readParameter)) };
}

export type UpstreamSecrets = Omit<Secrets, 'jwtSecret'>;

/** What the rates functions need: they never see (nor may read) the JWT secret. */
export async function resolveUpstreamSecrets(
  env: Env,
  readParameter: ReadParameter,
): Promise<UpstreamSecrets> {
  return {
    fixerAccessKey: await readSecret(env, 'FIXER_ACCESS_KEY', readParameter),
    banxicoToken: await readSecret(env, 'BANXICO_TOKEN', readParameter),
  };
}

const readSsmParameter: ReadParameter = async (name) => {
  // Loaded lazily: the local stack and the tests never need the SSM client.
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  ssm ??= new SSMClient({});
  const answer = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  return answer.Parameter?.Value;
};
let ssm: import('@aws-sdk/client-ssm').SSMClient | undefined;

/** Caches a resolved secret set for SECRET_CACHE_MS; a failed read is not cached. */
function cachedResolver<T>(resolve: () => Promise<T>) {
  let cached: { at: number; value: Promise<T> } | undefined;
  return (now: () => number = Date.now): Promise<T> => {
    if (cached === undefined || now() - cached.at > SECRET_CACHE_MS) {
      const value = resolve();
      const entry = { at: now(), value };
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.value;
  };
}

export const getSecrets = cachedResolver(() =>
  resolveSecrets(getConfig().secretVariables, getConfig(), readSsmParameter),
);
export const getUpstreamSecrets = cachedResolver(() =>
  resolveUpstreamSecrets(getConfig().secretVariables, readSsmParameter),
);

/**
 * Whether a source's credential is configured at all (its value or its SSM parameter
 * name), without reading SSM: for /v1/health, whose role may not read secrets.
 */
export function isSourceConfigured(source: SourceId, env: Env = getConfig().secretVariables): boolean {
  const name = CREDENTIAL_VARIABLES[source];
  return name === undefined || (env[name] ?? '') !== '' || (env[`${name}_SSM`] ?? '') !== '';
}
