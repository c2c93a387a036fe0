import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config.js';
import { resolveSecrets } from '../../lib/secrets.js';

const noParameters = async () => undefined;

describe('loadConfig', () => {
  it('defaults the upstreams to the real hosts', () => {
    const config = loadConfig({});

    // The hosts and paths of UPSTREAMS.md; Fixer's free plan has no HTTPS.
    expect(config.upstream.dofUrl).toBe('https://www.banxico.org.mx/tipcamb/tipCamMIAction.do');
    expect(config.upstream.fixerBaseUrl).toBe('http://data.fixer.io/api');
    expect(config.upstream.banxicoBaseUrl).toBe('https://www.banxico.org.mx/SieAPIRest/service/v1');
    expect(config.upstream.timeoutMs).toBe(3000);
    expect(config.stage).toBe('local');
  });

  it('names the table after the prefix and stage when TABLE_NAME is absent', () => {
    expect(loadConfig({ STAGE: 'prod', TABLE_PREFIX: 'tdc' }).tableName).toBe('tdc-prod');
    expect(loadConfig({ TABLE_NAME: 'exact' }).tableName).toBe('exact');
  });

  it('rejects a malformed upstream URL by name', () => {
    expect(() => loadConfig({ FIXER_BASE_URL: 'not a url' })).toThrow(
      new ConfigError('FIXER_BASE_URL is not a valid URL'),
    );
    expect(() => loadConfig({ DOF_URL: 'ftp://x' })).toThrow('DOF_URL must be an http:// or https:// URL');
  });

  it('rejects an unknown BANXICO_FORMAT and a non-numeric timeout', () => {
    expect(() => loadConfig({ BANXICO_FORMAT: 'csv' })).toThrow('BANXICO_FORMAT must be json or xml');
    expect(() => loadConfig({ UPSTREAM_TIMEOUT_MS: '3s' })).toThrow(
      'UPSTREAM_TIMEOUT_MS must be a whole number',
    );
    expect(() => loadConfig({ UPSTREAM_TIMEOUT_MS: '5' })).toThrow('UPSTREAM_TIMEOUT_MS must be between');
  });

  it('reuses a fresh cache entry for 5 s by default, never when RATES_MEMORY_TTL_MS=0, at most a minute', () => {
    expect(loadConfig({}).cache.memoryTtlMs).toBe(5000);
    expect(loadConfig({ RATES_MEMORY_TTL_MS: '0' }).cache.memoryTtlMs).toBe(0);
    expect(() => loadConfig({ RATES_MEMORY_TTL_MS: '60001' })).toThrow(
      new ConfigError('RATES_MEMORY_TTL_MS must be between 0 and 60000'),
    );
  });

  it('strips a trailing slash from base URLs', () => {
    expect(loadConfig({ FIXER_BASE_URL: 'http://127.0.0.1:9/api/' }).upstream.fixerBaseUrl).toBe(
      'http://127.0.0.1:9/api',
    );
  });
});

describe('resolveSecrets', () => {
  it('generates a local secret once and keeps it under the data dir', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tdc-config-'));
    const config = loadConfig({ DATA_DIR: dataDir });

    const first = await resolveSecrets({}, config, noParameters);
    const second = await resolveSecrets({}, config, noParameters);

    expect(first.jwtSecret).toBe(second.jwtSecret);
    expect(Buffer.byteLength(first.jwtSecret)).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8').trim()).toBe(first.jwtSecret);
  });

  it('fails a deployed stage without a secret, naming JWT_SECRET', async () => {
    const config = loadConfig({ STAGE: 'prod' });

    await expect(resolveSecrets({}, config, noParameters)).rejects.toThrow(
      'JWT_SECRET is not set (nor JWT_SECRET_SSM) for stage prod',
    );
  });

  it('fails a deployed stage with a short secret', async () => {
    const config = loadConfig({ STAGE: 'prod' });

    await expect(resolveSecrets({ JWT_SECRET: 'x'.repeat(31) }, config, noParameters)).rejects.toThrow(
      'JWT_SECRET must be at least 32 bytes',
    );
  });

  it('reads secrets from SSM parameters when only their names are given', async () => {
    const config = loadConfig({ STAGE: 'prod' });
    const asked: string[] = [];
    const readParameter = async (name: string) => {
      asked.push(name);
      return name.endsWith('jwt') ? 's'.repeat(40) : `value-of-${name}`;
    };

    const secrets = await resolveSecrets(
      { JWT_SECRET_SSM: '/tdc/prod/jwt', FIXER_ACCESS_KEY_SSM: '/tdc/prod/fixer' },
      config,
      readParameter,
    );

    expect(secrets).toEqual({
      jwtSecret: 's'.repeat(40),
      fixerAccessKey: 'value-of-/tdc/prod/fixer',
      banxicoToken: undefined,
    });
    expect(asked).toEqual(['/tdc/prod/jwt', '/tdc/prod/fixer']);
  });

  it('fails when a named SSM parameter is missing', async () => {
    const config = loadConfig({ STAGE: 'prod' });

    await expect(resolveSecrets({ JWT_SECRET_SSM: '/tdc/prod/jwt' }, config, noParameters)).rejects.toThrow(
      'JWT_SECRET: SSM parameter /tdc/prod/jwt is empty or missing',
    );
  });
});
