import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_QUOTA_LIMITS, type Plan, type PlanLimits, type QuotaLimits } from './core/plan.js';
import { DEFAULT_UPSTREAM_URLS, type UpstreamConfig } from './core/upstream.js';

/**
 * The one place that reads process.env. `loadConfig` is pure (env in, validated config
 * out) so tests can build any configuration; `getConfig` caches it per cold start.
 * Secrets are resolved separately (`lib/secrets.ts`, from `secretVariables` below) because
 * in AWS they come from SSM.
 */

/** The variables a secret may come from: the value itself, or the SSM parameter that holds it. */
export const SECRET_VARIABLES = [
  'JWT_SECRET',
  'JWT_SECRET_SSM',
  'FIXER_ACCESS_KEY',
  'FIXER_ACCESS_KEY_SSM',
  'BANXICO_TOKEN',
  'BANXICO_TOKEN_SSM',
] as const;

export const LOCAL_STAGE = 'local';

/**
 * FIXER_MIN_INTERVAL_S's default. Fixer's free plan allows 100 calls a month; one call
 * every 8 h spends at most 31 days × 24 h / 8 h = 93 calls in the longest month, leaving 7
 * for restarts and manual checks.
 */
export const DEFAULT_FIXER_MIN_INTERVAL_S = 28_800;

export interface AppConfig {
  stage: string;
  isLocal: boolean;
  region: string;
  tableName: string;
  /** Set only to talk to a non-AWS DynamoDB (dynalite locally). */
  dynamodbEndpoint: string | undefined;
  upstream: Omit<UpstreamConfig, 'fixerAccessKey' | 'banxicoToken'>;
  /** Where a local stack keeps its data (dynalite files, generated secret). */
  dataDir: string;
  /** LOCAL_DB_DIR: the embedded dynalite's files, set by `npm start`; health checks they still exist. */
  localDbDir: string | undefined;
  cache: {
    /** MAX_STALE_S: how old a last good value may be served after failures (default 7 days). */
    maxStaleSeconds: number;
    /** FIXER_MIN_INTERVAL_S: at most one Fixer call per interval (default 8 h, see README). */
    fixerMinIntervalSeconds: number;
    /** FIXER_MONTHLY_BUDGET: hard stop on Fixer calls per calendar month (default 100). */
    fixerMonthlyBudget: number;
    /** RATES_MEMORY_TTL_MS: how long an instance reuses a fresh cache entry before re-reading it (default 5000, 0 = never). */
    memoryTtlMs: number;
  };
  /** Per-plan request windows (QUOTA_<PLAN>_PER_MINUTE / _PER_DAY). */
  quota: QuotaLimits;
  /** Lifetime of an issued access token (TOKEN_TTL_SECONDS, default 3600). */
  tokenTtlSeconds: number;
  auth: {
    /** AUTH_CLIENT_MEMORY_TTL_MS: how long an authorizer instance reuses a client lookup (default 5000, 0 = never). */
    clientMemoryTtlMs: number;
  };
  /** LAMBDA_TASK_ROOT: where the Lambda runtime unpacked the function (files shipped beside the bundle). */
  taskRoot: string | undefined;
  /**
   * SECRET_VARIABLES as found in the environment, read only by lib/secrets.ts (which
   * resolves SSM names and validates): never log a config object.
   */
  secretVariables: Env;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readUrl(env: Env, name: string, fallback: string): string {
  const raw = nonEmpty(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http:// or https:// URL`);
  }
  return raw.replace(/\/+$/, '');
}

export function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}`);
  return value;
}

function readPlanLimits(env: Env, plan: Plan): PlanLimits {
  const prefix = `QUOTA_${plan.toUpperCase()}`;
  const defaults = DEFAULT_QUOTA_LIMITS[plan];
  const perMinute = readInteger(env, `${prefix}_PER_MINUTE`, defaults.perMinute, 1, 1_000_000);
  const perDay = readInteger(env, `${prefix}_PER_DAY`, defaults.perDay, 1, 100_000_000);
  if (perDay < perMinute) throw new ConfigError(`${prefix}_PER_DAY must not be below ${prefix}_PER_MINUTE`);
  return { perMinute, perDay };
}

export function loadConfig(env: Env): AppConfig {
  const stage = nonEmpty(env, 'STAGE') ?? LOCAL_STAGE;
  const isLocal = stage === LOCAL_STAGE;
  const tableName =
    nonEmpty(env, 'TABLE_NAME') ?? `${nonEmpty(env, 'TABLE_PREFIX') ?? 'tipo-de-cambio'}-${stage}`;
  const format = nonEmpty(env, 'BANXICO_FORMAT') ?? 'json';
  if (format !== 'json' && format !== 'xml') throw new ConfigError('BANXICO_FORMAT must be json or xml');
  const dynamodbEndpoint = nonEmpty(env, 'DYNAMODB_ENDPOINT');
  if (dynamodbEndpoint !== undefined) readUrl(env, 'DYNAMODB_ENDPOINT', dynamodbEndpoint);
  return {
    stage,
    isLocal,
    region: nonEmpty(env, 'AWS_REGION') ?? 'us-east-1',
    tableName,
    dynamodbEndpoint,
    upstream: {
      dofUrl: readUrl(env, 'DOF_URL', DEFAULT_UPSTREAM_URLS.dofUrl),
      fixerBaseUrl: readUrl(env, 'FIXER_BASE_URL', DEFAULT_UPSTREAM_URLS.fixerBaseUrl),
      banxicoBaseUrl: readUrl(env, 'BANXICO_BASE_URL', DEFAULT_UPSTREAM_URLS.banxicoBaseUrl),
      banxicoFormat: format,
      timeoutMs: readInteger(env, 'UPSTREAM_TIMEOUT_MS', 3000, 100, 20_000),
    },
    dataDir: path.resolve(nonEmpty(env, 'DATA_DIR') ?? '.data'),
    localDbDir: isLocal ? nonEmpty(env, 'LOCAL_DB_DIR') : undefined,
    cache: {
      maxStaleSeconds: readInteger(env, 'MAX_STALE_S', 7 * 86_400, 0, 90 * 86_400),
      fixerMinIntervalSeconds: readInteger(
        env,
        'FIXER_MIN_INTERVAL_S',
        DEFAULT_FIXER_MIN_INTERVAL_S,
        60,
        31 * 86_400,
      ),
      fixerMonthlyBudget: readInteger(env, 'FIXER_MONTHLY_BUDGET', 100, 0, 10_000_000),
      memoryTtlMs: readInteger(env, 'RATES_MEMORY_TTL_MS', 5000, 0, 60_000),
    },
    quota: { free: readPlanLimits(env, 'free'), pro: readPlanLimits(env, 'pro') },
    tokenTtlSeconds: readInteger(env, 'TOKEN_TTL_SECONDS', 3600, 60, 86_400),
    auth: { clientMemoryTtlMs: readInteger(env, 'AUTH_CLIENT_MEMORY_TTL_MS', 5000, 0, 60_000) },
    taskRoot: nonEmpty(env, 'LAMBDA_TASK_ROOT'),
    secretVariables: Object.fromEntries(SECRET_VARIABLES.map((name) => [name, env[name]])),
  };
}

let cached: AppConfig | undefined;

/** Validated once per cold start; a bad variable fails the first request loudly, by name. */
export function getConfig(): AppConfig {
  cached ??= loadConfig(process.env);
  return cached;
}

export const MIN_SECRET_BYTES = 32;

/**
 * Locally, a missing JWT_SECRET is generated once and kept under the data dir so that
 * tokens survive a restart of the stack. Never used outside the local stage.
 */
export function readOrCreateLocalSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (Buffer.byteLength(existing) >= MIN_SECRET_BYTES) return existing;
  } catch {
    // Not there yet: create it below.
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
