import { afterEach, describe, expect, it } from 'vitest';
import { fetchFixerRate, parseFixerLatest } from '../../../lib/providers/fixer.js';
import { answer, type LocalHttpServer, startLocalHttpServer } from '../../helpers/local-http-server.js';
import {
  everythingShownOf,
  expectProviderError,
  providerContextFor,
  rejectionOf,
  thrownBy,
} from '../../helpers/provider-context.js';
import { readFixture } from '../../helpers/upstream-files.js';

const KEY = 'fixer-secret-key-7a91c3e0';
const documented = readFixture('fixer_latest_documented-example.json');
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('parseFixerLatest', () => {
  it('derives USD→MXN from the documented EUR-based example', () => {
    // Act
    const parsed = parseFixerLatest(documented);

    // Assess: 24.01 / 1.196 = 20.07525083…, rounded half up at 4 decimals.
    expect(parsed.rates).toEqual([
      {
        key: 'fixer',
        value: 20.0753,
        date: '2020-11-27',
        lastUpdated: '2020-11-27T23:59:59.000Z',
        kind: 'market',
        source: 'Fixer — latest, symbols USD,MXN',
        provenance: {
          base: 'EUR',
          eur_usd: 1.196,
          eur_mxn: 24.01,
          timestamp: 1606521599,
          fixer_date: '2020-11-27',
        },
      },
    ]);
  });

  it('takes MXN as is when the base is USD', () => {
    // Prepare
    const body = json({
      success: true,
      timestamp: 1606521599,
      base: 'USD',
      date: '2020-11-27',
      rates: { MXN: 20.07521 },
    });

    // Act
    const parsed = parseFixerLatest(body);

    // Assess
    expect(parsed.rates[0]).toMatchObject({ value: 20.0752, provenance: { base: 'USD', usd_mxn: 20.07521 } });
  });

  it('dates a quote by the Mexico City calendar, not by Fixer’s UTC date', () => {
    // Prepare: 2020-11-28T01:00Z is still the evening of the 27th in Mexico City.
    const body = json({
      success: true,
      timestamp: 1606525200,
      base: 'EUR',
      date: '2020-11-28',
      rates: { USD: 1.196, MXN: 24.01 },
    });

    // Act
    const parsed = parseFixerLatest(body);

    // Assess
    expect(parsed.rates[0]).toMatchObject({ date: '2020-11-27', lastUpdated: '2020-11-28T01:00:00.000Z' });
  });

  it.each([
    [
      'fixer_error_101_invalid-access-key.json',
      'unauthorized_upstream',
      101,
      'Fixer error 101 (invalid_access_key)',
    ],
    [
      'fixer_error_104_usage-limit-reached.json',
      'quota_exhausted',
      104,
      'Fixer error 104 (usage_limit_reached)',
    ],
    [
      'fixer_error_105_base-currency-access-restricted.json',
      'upstream_error',
      105,
      'Fixer error 105 (base_currency_access_restricted)',
    ],
  ])('maps %s to %s', (fixture, code, upstreamCode, message) => {
    // Act
    const error = thrownBy(() => parseFixerLatest(readFixture(fixture)));

    // Assess
    expectProviderError(error, code);
    expect(error).toMatchObject({ upstreamCode, message });
  });

  it('maps error 102 (inactive user) to unauthorized_upstream and leaves out the info text', () => {
    // Prepare
    const body = json({
      success: false,
      error: { code: 102, type: 'inactive_user', info: 'echo of key abc' },
    });

    // Act
    const error = thrownBy(() => parseFixerLatest(body));

    // Assess
    expectProviderError(error, 'unauthorized_upstream');
    expect(String(error)).not.toContain('echo');
  });

  it('reports a body that is not JSON as upstream_error', () => {
    // Act
    const error = thrownBy(() => parseFixerLatest(Buffer.from('<html>502 Bad Gateway</html>')));

    // Assess
    expectProviderError(error, 'upstream_error');
  });

  it.each([
    ['an array', []],
    ['no rates', { success: true, timestamp: 1606521599, base: 'EUR', date: '2020-11-27' }],
    ['no timestamp', { success: true, base: 'EUR', date: '2020-11-27', rates: { USD: 1.196, MXN: 24.01 } }],
    [
      'a bad date',
      { success: true, timestamp: 1606521599, base: 'EUR', date: '2020-02-30', rates: { USD: 1, MXN: 20 } },
    ],
    [
      'MXN as a string',
      {
        success: true,
        timestamp: 1606521599,
        base: 'EUR',
        date: '2020-11-27',
        rates: { USD: 1.196, MXN: '24.01' },
      },
    ],
    [
      'no USD on a EUR base',
      { success: true, timestamp: 1606521599, base: 'EUR', date: '2020-11-27', rates: { MXN: 24.01 } },
    ],
    [
      'no success flag',
      { timestamp: 1606521599, base: 'EUR', date: '2020-11-27', rates: { USD: 1.196, MXN: 24.01 } },
    ],
    ['an error without a code', { success: false, error: { type: 'x' } }],
  ])('reports JSON with %s as layout_changed', (_name, value) => {
    // Act
    const error = thrownBy(() => parseFixerLatest(json(value)));

    // Assess
    expectProviderError(error, 'layout_changed');
  });

  it.each([
    ['an implausible quotient', { USD: 1.196, MXN: 1.2 }],
    ['a zero USD rate', { USD: 0, MXN: 24.01 }],
    ['a negative MXN rate', { USD: 1.196, MXN: -24.01 }],
  ])('reports %s as invalid_value', (_name, rates) => {
    // Prepare
    const body = json({ success: true, timestamp: 1606521599, base: 'EUR', date: '2020-11-27', rates });

    // Act
    const error = thrownBy(() => parseFixerLatest(body));

    // Assess
    expectProviderError(error, 'invalid_value');
  });
});

describe('fetchFixerRate', () => {
  let server: LocalHttpServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('calls /latest over plain http with the key and both symbols', async () => {
    // Prepare
    server = await startLocalHttpServer(answer(200, documented, { 'Content-Type': 'application/json' }));
    const ctx = providerContextFor(server.url, { fixerAccessKey: KEY });

    // Act
    const parsed = await fetchFixerRate(ctx);

    // Assess
    expect(server.requests.map((request) => request.url)).toEqual([
      `/api/latest?access_key=${KEY}&symbols=USD,MXN`,
    ]);
    expect(parsed.rates[0]?.value).toBe(20.0753);
    expect(JSON.stringify(parsed)).not.toContain(KEY);
  });

  it('fails without calling Fixer when no key is configured', async () => {
    // Prepare
    server = await startLocalHttpServer(answer(200, documented));
    const ctx = providerContextFor(server.url, { fixerAccessKey: undefined });

    // Act
    const error = await rejectionOf(fetchFixerRate(ctx));

    // Assess
    expectProviderError(error, 'not_configured');
    expect(error).toMatchObject({
      message:
        'FIXER_ACCESS_KEY is not set: set it to call this source, or run `npm run start:sandbox` to serve recorded answers',
    });
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['fixer_error_101_invalid-access-key.json', 'unauthorized_upstream', 101],
    ['fixer_error_104_usage-limit-reached.json', 'quota_exhausted', 104],
    ['fixer_error_105_base-currency-access-restricted.json', 'upstream_error', 105],
  ])('maps %s served with HTTP 200 to %s without revealing the key', async (fixture, code, upstreamCode) => {
    // Prepare
    server = await startLocalHttpServer(
      answer(200, readFixture(fixture), { 'Content-Type': 'application/json' }),
    );
    const ctx = providerContextFor(server.url, { fixerAccessKey: KEY });

    // Act
    const error = await rejectionOf(fetchFixerRate(ctx));

    // Assess
    expectProviderError(error, code);
    expect(error).toMatchObject({ upstreamCode });
    expect(everythingShownOf(error)).not.toContain(KEY);
  });

  it.each([
    [500, 'upstream_error'],
    [401, 'unauthorized_upstream'],
    [403, 'unauthorized_upstream'],
  ])('maps HTTP %i to %s', async (status, code) => {
    // Prepare
    server = await startLocalHttpServer(answer(status, '{"message":"nope"}'));
    const ctx = providerContextFor(server.url, { fixerAccessKey: KEY });

    // Act
    const error = await rejectionOf(fetchFixerRate(ctx));

    // Assess
    expectProviderError(error, code);
    expect(error).toMatchObject({ message: `Fixer answered HTTP ${status}` });
  });

  it('maps HTTP 429 to quota_exhausted with Retry-After', async () => {
    // Prepare
    server = await startLocalHttpServer(
      answer(429, '{"message":"API rate limit reached"}', { 'Retry-After': '3600' }),
    );
    const ctx = providerContextFor(server.url, { fixerAccessKey: KEY });

    // Act
    const error = await rejectionOf(fetchFixerRate(ctx));

    // Assess
    expectProviderError(error, 'quota_exhausted');
    expect(error).toMatchObject({ retryAfterSeconds: 3600 });
  });

  it('reports a hang as timeout at the deadline without revealing the key', async () => {
    // Prepare
    server = await startLocalHttpServer(() => {});
    const ctx = providerContextFor(server.url, { fixerAccessKey: KEY, timeoutMs: 300 });

    // Act
    const error = await rejectionOf(fetchFixerRate(ctx));

    // Assess
    expectProviderError(error, 'timeout');
    expect(error instanceof Error ? error.message : '').toBe('Fixer did not answer within 300 ms');
    expect(error instanceof Error ? error.cause : undefined).toBeInstanceOf(Error);
    expect(everythingShownOf(error)).toContain('access_key=***');
    expect(everythingShownOf(error)).not.toContain(KEY);
  });

  it('reports a dropped connection as upstream_error without revealing the key', async () => {
    // Prepare
    server = await startLocalHttpServer((request) => request.socket.destroy());
    const ctx = providerContextFor(server.url, { fixerAccessKey: KEY });

    // Act
    const error = await rejectionOf(fetchFixerRate(ctx));

    // Assess
    expectProviderError(error, 'upstream_error');
    expect(everythingShownOf(error)).not.toContain(KEY);
  });
});
