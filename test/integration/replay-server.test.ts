import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  REPLAY_FILES,
  type ReplayServer,
  startReplayServer,
  type UpstreamSource,
} from '../../scripts/lib/replay-server.js';

const FIXER_KEY = 'fixer-test-key';
const BANXICO_TOKEN = 'b'.repeat(64);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let server: ReplayServer;
let files: { dof: Buffer; fixer: Buffer; banxicoJson: Buffer; banxicoXml: Buffer };

/** `null` leaves the key out (`undefined` would pick the default). */
function fixerUrl(target: ReplayServer, key: string | null = FIXER_KEY): string {
  const keyParam = key === null ? '' : `access_key=${encodeURIComponent(key)}&`;
  return `${target.fixerBaseUrl}/latest?${keyParam}symbols=USD,MXN`;
}

function banxicoUrl(target: ReplayServer, query = ''): string {
  return `${target.banxicoBaseUrl}/series/SF43718/datos/oportuno${query}`;
}

const banxicoHeaders = { 'Bmx-Token': BANXICO_TOKEN };

/** One well-formed request per upstream, so fault tests can run over all three. */
function requestFor(
  source: UpstreamSource,
  target: ReplayServer = server,
  init: RequestInit = {},
): Promise<Response> {
  switch (source) {
    case 'dof':
      return fetch(target.dofUrl, init);
    case 'fixer':
      return fetch(fixerUrl(target), init);
    case 'banxico':
      return fetch(banxicoUrl(target), { ...init, headers: banxicoHeaders });
  }
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function rateOfFixerBody(body: unknown): number {
  expect(body).toMatchObject({ success: true, rates: { USD: expect.any(Number), MXN: expect.any(Number) } });
  const { rates } = body as { rates: { USD: number; MXN: number } };
  return rates.MXN / rates.USD;
}

beforeAll(async () => {
  server = await startReplayServer({ fixerAccessKey: FIXER_KEY, banxicoToken: BANXICO_TOKEN });
  const [dof, fixer, banxicoJson, banxicoXml] = await Promise.all([
    readFile(REPLAY_FILES.dof),
    readFile(REPLAY_FILES.fixer),
    readFile(REPLAY_FILES.banxicoJson),
    readFile(REPLAY_FILES.banxicoXml),
  ]);
  files = { dof, fixer, banxicoJson, banxicoXml };
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.resetHits();
  server.clearFaults();
});

describe('replay server routes', () => {
  it('serves the DOF page as the exact windows-1252 capture bytes, as text/html without charset', async () => {
    const response = await fetch(server.dofUrl);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect((await bytesOf(response)).equals(files.dof)).toBe(true);
  });

  it('serves the Fixer fixture for the configured access key', async () => {
    const response = await fetch(fixerUrl(server));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await bytesOf(response)).equals(files.fixer)).toBe(true);
  });

  it.each([
    ['a wrong', 'not-the-key'],
    ['a missing', null],
  ])('answers Fixer error 101 with HTTP 200 to %s access key', async (_label, key) => {
    const response = await fetch(fixerUrl(server, key));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      success: false,
      error: { code: 101, type: 'invalid_access_key', info: 'You have not supplied a valid API Access Key.' },
    });
  });

  it('serves the Banxico JSON capture bytes for a valid Bmx-Token header', async () => {
    const response = await fetch(banxicoUrl(server), { headers: banxicoHeaders });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await bytesOf(response)).equals(files.banxicoJson)).toBe(true);
  });

  it('accepts the Banxico token as ?token= but lets the header win', async () => {
    const byQuery = await fetch(banxicoUrl(server, `?token=${BANXICO_TOKEN}`));
    const headerWins = await fetch(banxicoUrl(server, `?token=${BANXICO_TOKEN}`), {
      headers: { 'Bmx-Token': 'wrong' },
    });

    expect(byQuery.status).toBe(200);
    expect(headerWins.status).toBe(400);
  });

  it.each([
    ['a wrong', { 'Bmx-Token': 'wrong' }],
    ['a missing', {}],
  ])(
    'answers HTTP 400 "Token inválido" to %s Banxico token',
    async (_label, headers: Record<string, string>) => {
      const response = await fetch(banxicoUrl(server), { headers });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { url: banxicoUrl(server), mensaje: 'Token inválido', detalle: 'El token no es válido' },
      });
    },
  );

  it.each([
    ['Accept: application/xml', '', { ...banxicoHeaders, Accept: 'application/xml' }],
    [
      'Accept listing xml among others',
      '',
      { ...banxicoHeaders, Accept: 'text/html, application/xml;q=0.9' },
    ],
    ['?mediaType=xml', '?mediaType=xml', banxicoHeaders],
  ])('serves the Banxico XML fixture for %s', async (_label, query, headers: Record<string, string>) => {
    const response = await fetch(banxicoUrl(server, query), { headers });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect((await bytesOf(response)).equals(files.banxicoXml)).toBe(true);
  });

  it('checks no credentials when none were configured', async () => {
    const open = await startReplayServer();
    try {
      const fixer = await fetch(fixerUrl(open, 'anything'));
      const banxico = await fetch(banxicoUrl(open));

      expect((await bytesOf(fixer)).equals(files.fixer)).toBe(true);
      expect((await bytesOf(banxico)).equals(files.banxicoJson)).toBe(true);
    } finally {
      await open.close();
    }
  });

  it('answers 404 to an unknown path without counting a hit', async () => {
    const responses = await Promise.all([
      fetch(`${server.url}/nope`),
      fetch(`${server.banxicoBaseUrl}/series/SF43718`),
      fetch(
        `${server.fixerBaseUrl}/timeseries?access_key=${FIXER_KEY}&start_date=2020-11-26&end_date=2020-11-27`,
      ),
    ]);

    expect(responses.map((response) => response.status)).toEqual([404, 404, 404]);
    expect([server.hits('dof'), server.hits('fixer'), server.hits('banxico')]).toEqual([0, 0, 0]);
  });
});

describe('replay server hit counting', () => {
  it('counts every request per upstream, rejected and faulted ones included', async () => {
    server.setFault('dof', { status: 503 });
    await fetch(server.dofUrl);
    await fetch(server.dofUrl);
    await fetch(fixerUrl(server, 'wrong'));
    await fetch(banxicoUrl(server), { headers: banxicoHeaders });
    await fetch(banxicoUrl(server));
    await fetch(banxicoUrl(server, '?mediaType=xml'), { headers: banxicoHeaders });

    expect([server.hits('dof'), server.hits('fixer'), server.hits('banxico')]).toEqual([2, 1, 3]);
  });

  it('starts again from zero after resetHits', async () => {
    await fetch(server.dofUrl);

    server.resetHits();

    expect(server.hits('dof')).toBe(0);
  });
});

describe('replay server faults', () => {
  const sources: UpstreamSource[] = ['dof', 'fixer', 'banxico'];

  it.each(sources)('delays %s by latencyMs', async (source) => {
    server.setFault(source, { latencyMs: 250 });
    const started = performance.now();

    const response = await requestFor(source);
    await response.arrayBuffer();

    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('combines latency with another fault', async () => {
    server.setFault('banxico', { latencyMs: 150, value: '19.5' });
    const started = performance.now();

    const body = await (await requestFor('banxico')).json();

    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(body).toMatchObject({ bmx: { series: [{ datos: [{ dato: '19.5' }] }] } });
  });

  it('applies a fault to its own upstream only', async () => {
    server.setFault('dof', { status: 500 });

    const fixer = await requestFor('fixer');

    expect((await bytesOf(fixer)).equals(files.fixer)).toBe(true);
  });

  it.each(sources)('answers %s with the faulted status and a short body', async (source) => {
    server.setFault(source, { status: 503 });

    const response = await requestFor(source);

    expect(response.status).toBe(503);
    expect(await response.text()).toBe('Replay fault: HTTP 503\n');
  });

  it.each(sources)('lets a %s client time out on a hanging request', async (source) => {
    server.setFault(source, { hang: true });
    const started = performance.now();

    const attempt = requestFor(source, server, { signal: AbortSignal.timeout(300) });

    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(server.hits(source)).toBe(1);
  });

  it('closes while requests hang, cutting them', async () => {
    const hanging = await startReplayServer();
    hanging.setFault('dof', { hang: true });
    hanging.setFault('fixer', { hang: true, latencyMs: 10_000 });
    const pending = [fetch(hanging.dofUrl), fetch(fixerUrl(hanging))].map((request) =>
      request.then(
        () => 'answered',
        () => 'failed',
      ),
    );
    await waitUntil(() => hanging.hits('dof') === 1 && hanging.hits('fixer') === 1);

    // Neither request would ever be answered: close() resolving at all shows it cut them.
    await hanging.close();

    expect(await Promise.all(pending)).toEqual(['failed', 'failed']);
  });

  it.each([
    ['dof', 'text/html'],
    ['fixer', 'application/json; charset=utf-8'],
    ['banxico', 'application/json; charset=utf-8'],
  ] as const)('answers %s garbage under its usual content type', async (source, contentType) => {
    server.setFault(source, { garbage: true });

    const response = await requestFor(source);
    const body = await bytesOf(response);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(body.length).toBeGreaterThan(100);
    expect(['<', '{', '['].includes(body.toString('latin1').trimStart().charAt(0))).toBe(false);
    expect(body.toString('latin1')).not.toContain('renglon');
    expect(() => JSON.parse(body.toString('utf8'))).toThrow();
  });

  it('answers Banxico XML garbage as application/xml', async () => {
    server.setFault('banxico', { garbage: true });

    const response = await fetch(banxicoUrl(server, '?mediaType=xml'), { headers: banxicoHeaders });
    const body = await response.text();

    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(body).not.toContain('<');
  });

  it('renames the DOF header cell and header row class for alteredLayout', async () => {
    server.setFault('dof', { alteredLayout: true });

    const html = (await bytesOf(await requestFor('dof'))).toString('latin1');

    expect(html).not.toContain('Publicación DOF');
    expect(html).toContain('Publicacion D.O.F.');
    expect(html).not.toContain('renglonTituloColumnas');
    expect(html).toContain('20.5303');
  });

  it('answers Fixer JSON without rates for alteredLayout', async () => {
    server.setFault('fixer', { alteredLayout: true });

    const body: unknown = await (await requestFor('fixer')).json();

    expect(body).toMatchObject({ success: true, quotes: { USD: 1.196, MXN: 24.01 } });
    expect(body).not.toHaveProperty('rates');
  });

  it('answers Banxico without bmx (JSON) or without a series root (XML) for alteredLayout', async () => {
    server.setFault('banxico', { alteredLayout: true });

    const json: unknown = await (await requestFor('banxico')).json();
    const xml = await (await fetch(banxicoUrl(server, '?mediaType=xml'), { headers: banxicoHeaders })).text();

    expect(json).not.toHaveProperty('bmx');
    expect(json).toHaveProperty(['resultado', 'series', 0, 'datos', 0, 'dato'], '20.0777');
    expect(xml).not.toContain('<series>');
    expect(xml).toContain('<dato>20.0777</dato>');
  });

  it('answers an exact body with the upstream content type, e.g. Fixer quota error 104', async () => {
    const quotaError = '{"success":false,"error":{"code":104,"type":"usage_limit_reached"}}';
    server.setFault('fixer', { body: quotaError });

    const response = await requestFor('fixer');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.text()).toBe(quotaError);
  });

  it('answers an exact body with the given status, content type and headers', async () => {
    const limitError =
      '{"error":{"mensaje":"Límite de consultas superado.","detalle":"…","secondsToReset":42}}';
    server.setFault('banxico', {
      status: 429,
      body: limitError,
      contentType: 'application/json',
      headers: { 'Bmx-secondsToReset': '42' },
    });

    const response = await requestFor('banxico');

    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('bmx-secondstoreset')).toBe('42');
    expect(await response.text()).toBe(limitError);
  });

  it('replaces every numeric DOF cell and leaves the rest of the page intact', async () => {
    server.setFault('dof', { value: '2000' });

    const html = (await bytesOf(await requestFor('dof'))).toString('latin1');
    const original = files.dof.toString('latin1');

    const countOf = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

    expect(html).not.toMatch(/\d+\.\d{4}/);
    // The page already has ">2000<" twice (year options in the filter form).
    expect(countOf(html, />\s*2000\s*</g)).toBe(
      countOf(original, /\d+\.\d{4}/g) + countOf(original, />2000</g),
    );
    expect(countOf(original, /\d+\.\d{4}/g)).toBe(17);
    expect(countOf(html, /N\/E/g)).toBe(countOf(original, /N\/E/g));
    expect(html.replace(/>\s*2000\s*</g, '')).toBe(original.replace(/>\s*(\d+\.\d{4}|2000)\s*</g, ''));
  });

  it.each(['0', '-1', '2000', 19.8765])('makes the Fixer MXN/USD rate equal %s', async (value) => {
    server.setFault('fixer', { value });

    const body: unknown = await (await requestFor('fixer')).json();

    expect(rateOfFixerBody(body)).toBeCloseTo(Number(value), 9);
  });

  it('sends a non-numeric Fixer value as a JSON string', async () => {
    server.setFault('fixer', { value: 'N/A' });

    const body: unknown = await (await requestFor('fixer')).json();

    expect(body).toMatchObject({ rates: { USD: 1.196, MXN: 'N/A' } });
  });

  it('replaces the Banxico dato in JSON and XML', async () => {
    server.setFault('banxico', { value: '-1' });

    const json = await (await requestFor('banxico')).text();
    const xml = await (await fetch(banxicoUrl(server, '?mediaType=xml'), { headers: banxicoHeaders })).text();

    expect(json).toBe(files.banxicoJson.toString('utf8').replace('"20.0777"', '"-1"'));
    expect(xml).toBe(files.banxicoXml.toString('utf8').replace('<dato>20.0777</dato>', '<dato>-1</dato>'));
  });

  it('checks credentials before serving a value fault', async () => {
    server.setFault('banxico', { value: '21' });

    const response = await fetch(banxicoUrl(server));

    expect(response.status).toBe(400);
  });

  it('serves the capture again after setFault(source, undefined) and clearFaults', async () => {
    server.setFault('dof', { status: 500 });
    server.setFault('fixer', { garbage: true });

    server.setFault('dof', undefined);
    const dof = await requestFor('dof');
    server.clearFaults();
    const fixer = await requestFor('fixer');

    expect((await bytesOf(dof)).equals(files.dof)).toBe(true);
    expect((await bytesOf(fixer)).equals(files.fixer)).toBe(true);
  });

  it('returns to the baseline faults, not to none, when faults are cleared', async () => {
    const slow = await startReplayServer({ baselineFaults: { fixer: { latencyMs: 200 } } });
    try {
      slow.setFault('fixer', { status: 500 });
      slow.clearFaults();
      const started = performance.now();

      const response = await requestFor('fixer', slow);
      await response.arrayBuffer();

      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      await slow.close();
    }
  });
});

describe('replay server remote control', () => {
  it('reports hits as JSON', async () => {
    await fetch(server.dofUrl);
    await fetch(fixerUrl(server));
    await fetch(fixerUrl(server));

    const response = await fetch(`${server.url}/__replay/hits`);

    expect(await response.json()).toEqual({ dof: 1, fixer: 2, banxico: 0 });
  });

  it('sets and deletes a fault over HTTP', async () => {
    const put = await fetch(`${server.url}/__replay/faults/dof`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 502 }),
    });
    const faulted = await fetch(server.dofUrl);
    const deleted = await fetch(`${server.url}/__replay/faults/dof`, { method: 'DELETE' });
    const healed = await fetch(server.dofUrl);

    expect(put.status).toBe(204);
    expect(faulted.status).toBe(502);
    expect(deleted.status).toBe(204);
    expect((await bytesOf(healed)).equals(files.dof)).toBe(true);
  });

  it('clears hits and faults on POST /__replay/reset', async () => {
    server.setFault('banxico', { garbage: true });
    await requestFor('banxico');

    const reset = await fetch(`${server.url}/__replay/reset`, { method: 'POST' });
    const hits = await (await fetch(`${server.url}/__replay/hits`)).json();
    const banxico = await requestFor('banxico');

    expect(reset.status).toBe(204);
    expect(hits).toEqual({ dof: 0, fixer: 0, banxico: 0 });
    expect((await bytesOf(banxico)).equals(files.banxicoJson)).toBe(true);
  });

  it.each([
    ['not JSON', '{status:'],
    ['an unknown field', '{"latency":300}'],
    ['a mistyped field', '{"hang":"yes"}'],
    ['an impossible status', '{"status":42}'],
    ['an array', '[]'],
  ])('rejects a fault that is %s with 400 and keeps serving normally', async (_label, body) => {
    const response = await fetch(`${server.url}/__replay/faults/fixer`, { method: 'PUT', body });
    const fixer = await requestFor('fixer');

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.any(String) });
    expect((await bytesOf(fixer)).equals(files.fixer)).toBe(true);
  });

  it('answers 404 to an unknown source or control route', async () => {
    const unknownSource = await fetch(`${server.url}/__replay/faults/sidof`, { method: 'PUT', body: '{}' });
    const unknownRoute = await fetch(`${server.url}/__replay/nothing`);

    expect(unknownSource.status).toBe(404);
    expect(unknownRoute.status).toBe(404);
  });
});

describe('scripts/replay-server.ts', () => {
  it('prints its URLs as one JSON line, serves the captures and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/replay-server.ts', '--port', '0', '--latency', 'dof=100'],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      const [firstLine] = (await once(lines, 'line')) as [string];
      const urls: unknown = JSON.parse(firstLine);
      expect(urls).toEqual({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        dofUrl: expect.stringMatching(/\/tipcamb\/tipCamMIAction\.do$/),
        fixerBaseUrl: expect.stringMatching(/\/api$/),
        banxicoBaseUrl: expect.stringMatching(/\/SieAPIRest\/service\/v1$/),
      });
      const { dofUrl, url } = urls as { dofUrl: string; url: string };
      const started = performance.now();

      const dof = await fetch(dofUrl);
      const dofBytes = await bytesOf(dof);
      const elapsed = performance.now() - started;
      await fetch(`${url}/__replay/reset`, { method: 'POST' });
      const afterReset = performance.now();
      await (await fetch(dofUrl)).arrayBuffer();

      expect(dofBytes.equals(files.dof)).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(90);
      expect(performance.now() - afterReset).toBeGreaterThanOrEqual(90);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
