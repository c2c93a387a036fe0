import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSieObservations } from '../../lib/providers/banxico.js';
import { parseFixerHistorical } from '../../lib/providers/fixer.js';
import {
  loadCapturedHistory,
  readHistoryDatasetFile,
  syntheticHistory,
} from '../../scripts/lib/history-dataset.js';
import { CAPTURES_DIR, type ReplayServer, startReplayServer } from '../../scripts/lib/replay-server.js';
import { rejectionOf } from '../helpers/provider-context.js';
import { readCapture, repoRoot, SIE_RANGE_CAPTURE } from '../helpers/upstream-files.js';

const TOKEN = 'replay-history-token';
const headers = { 'Bmx-Token': TOKEN };

let server: ReplayServer;
beforeAll(async () => {
  server = await startReplayServer({ banxicoToken: TOKEN, fixerAccessKey: 'k' });
});
afterAll(() => server?.close());
beforeEach(() => {
  server.resetHits();
  server.clearFaults();
});

async function sie(route: string, accept = 'application/json') {
  const response = await fetch(`${server.banxicoBaseUrl}${route}`, {
    headers: { ...headers, Accept: accept },
  });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: Buffer.from(await response.arrayBuffer()),
  };
}

describe('the default history dataset holds only real captured values', () => {
  it('has the SIE captures and the 2020 page FIX column, and no Fixer day', async () => {
    const dataset = await loadCapturedHistory(CAPTURES_DIR);

    expect(dataset).toMatchObject({ synthetic: false, fixer: {} });
    expect(dataset.sie.SF43718).toEqual({
      '2020-11-09': 20.36,
      '2020-11-10': 20.4018,
      '2020-11-11': 20.5772,
      '2020-11-12': 20.5303,
      '2020-11-13': 20.4833,
      '2020-11-26': 20.0467,
      '2020-11-27': 20.0777,
    });
    expect(dataset.sie.SF60653).toEqual({
      '2020-11-26': 20.0577,
      '2020-11-27': 20.0465,
      '2020-12-01': 20.0777,
    });
  });

  it('answers the captured range as SIE did, in JSON and in XML', async () => {
    const json = await sie('/series/SF43718/datos/2020-11-26/2020-11-27');
    const xml = await sie('/series/SF43718/datos/2020-11-26/2020-11-27?mediaType=xml', 'application/xml');
    const captured = parseSieObservations(readCapture(SIE_RANGE_CAPTURE), 'application/json', 'SF43718');

    expect(json.status).toBe(200);
    expect(parseSieObservations(json.body, json.type, 'SF43718')).toEqual(captured);
    expect(xml.type).toContain('application/xml');
    expect(parseSieObservations(xml.body, xml.type, 'SF43718')).toEqual(captured);
  });

  it('says N/E for a banking day no capture has, and has no row on weekends and holidays', async () => {
    const answer = await sie('/series/SF43718/datos/2020-11-13/2020-11-17');

    // 14–15/11 are a weekend, 16/11/2020 Revolution Day.
    expect(parseSieObservations(answer.body, answer.type, 'SF43718')).toEqual([
      { date: '2020-11-13', value: 20.4833 },
      { date: '2020-11-17', value: undefined },
    ]);
  });

  it('answers both series in one oportuno call with the oportuno captures', async () => {
    const answer = await sie('/series/SF43718,SF60653/datos/oportuno');

    expect(parseSieObservations(answer.body, answer.type, 'SF43718')).toEqual([
      { date: '2020-11-27', value: 20.0777 },
    ]);
    expect(parseSieObservations(answer.body, answer.type, 'SF60653')).toEqual([
      { date: '2020-12-01', value: 20.0777 },
    ]);
  });

  it('checks the token on ranges and applies the banxico faults to them', async () => {
    const refused = await fetch(`${server.banxicoBaseUrl}/series/SF43718/datos/2020-11-26/2020-11-27`);
    server.setFault('banxico', { value: '19.5' });
    const altered = await sie('/series/SF43718/datos/2020-11-26/2020-11-27');

    expect(refused.status).toBe(400);
    expect(parseSieObservations(altered.body, altered.type, 'SF43718').map((o) => o.value)).toEqual([
      19.5, 19.5,
    ]);
  });

  it('answers Fixer error 106 for a day it has no value for', async () => {
    const answer = await fetch(`${server.fixerBaseUrl}/2020-11-27?access_key=k&symbols=USD,MXN`);

    expect(await answer.json()).toMatchObject({
      success: false,
      error: { code: 106, type: 'no_rates_available' },
    });
  });

  it('counts calls per path as well as per upstream, and forgets them on reset', async () => {
    await sie('/series/SF43718/datos/2020-01-01/2020-12-31');
    await sie('/series/SF43718/datos/2020-01-01/2020-12-31');
    await sie('/series/SF60653/datos/2020-01-01/2020-12-31');
    await fetch(`${server.fixerBaseUrl}/2021-01-04?access_key=k`);

    expect(server.pathHits()).toEqual({
      '/SieAPIRest/service/v1/series/SF43718/datos/2020-01-01/2020-12-31': 2,
      '/SieAPIRest/service/v1/series/SF60653/datos/2020-01-01/2020-12-31': 1,
      '/api/2021-01-04': 1,
    });
    expect([server.hits('banxico'), server.hits('fixer')]).toEqual([3, 1]);
    expect(await (await fetch(`${server.url}/__replay/path-hits`)).json()).toEqual(server.pathHits());
    server.resetHits();
    expect(server.pathHits()).toEqual({});
  });
});

describe('a synthetic history dataset', () => {
  it('is served only when passed, and says it is synthetic', async () => {
    const synthetic = await startReplayServer({ history: syntheticHistory('2021-01-01', '2021-01-31') });
    try {
      const fixer = await fetch(`${synthetic.fixerBaseUrl}/2021-01-04?access_key=x`);
      const day = parseFixerHistorical(Buffer.from(await fixer.arrayBuffer()), '2021-01-04');

      expect(synthetic.historyName).toBe('synthetic 2021-01-01…2021-01-31');
      expect(server.historyName).toMatch(/^captured/);
      expect(day.date).toBe('2021-01-04');
    } finally {
      await synthetic.close();
    }
  });

  it('keeps SF60653 two banking days behind the FIX, as SIE does', () => {
    const dataset = syntheticHistory('2021-01-01', '2021-01-31');

    // Tue 2021-01-12 settles the FIX of Fri 2021-01-08.
    expect(dataset.sie.SF60653['2021-01-12']).toBe(dataset.sie.SF43718['2021-01-08']);
    expect(dataset.sie.SF43718['2021-01-09']).toBeUndefined();
  });

  it('is read from a file only when the file says synthetic', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tdc-history-'));
    const real = path.join(dir, 'real.json');
    const fake = path.join(dir, 'fake.json');
    writeFileSync(real, JSON.stringify({ name: 'november', synthetic: false, sie: {} }));
    writeFileSync(
      fake,
      JSON.stringify({ name: 'synthetic test', synthetic: true, sie: { SF43718: { '2021-01-04': 19.9 } } }),
    );

    const refused = await rejectionOf(readHistoryDatasetFile(real));
    const read = await readHistoryDatasetFile(fake);

    expect((refused as Error).message).toContain('must say "synthetic": true');
    expect(read).toEqual({
      name: 'synthetic test',
      synthetic: true,
      sie: { SF43718: { '2021-01-04': 19.9 }, SF60653: {} },
      fixer: {},
    });
    expect(() => syntheticHistory('2021-01-01', '2021-01-02', 'real data')).toThrow(/named "synthetic…"/);
  });

  it('is served by scripts/replay-server.ts --history-dataset FILE', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tdc-history-')), 'synthetic.json');
    writeFileSync(
      file,
      JSON.stringify({ name: 'synthetic cli', synthetic: true, sie: { SF43718: { '2021-01-04': 19.9 } } }),
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/replay-server.ts', '--port', '0', '--history-dataset', file],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = once(child, 'exit');
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const { banxicoBaseUrl } = JSON.parse(line) as { banxicoBaseUrl: string };
      const answer = await fetch(`${banxicoBaseUrl}/series/SF43718/datos/2021-01-04/2021-01-04`);

      expect(
        parseSieObservations(Buffer.from(await answer.arrayBuffer()), 'application/json', 'SF43718'),
      ).toEqual([{ date: '2021-01-04', value: 19.9 }]);
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited)[0]).toBe(0);
  });
});
