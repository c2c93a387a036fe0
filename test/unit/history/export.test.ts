import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildHistoryRows, csvFileName, toCsv, toNdjson } from '../../../lib/history/export.js';
import { createFixTimeline } from '../../../lib/history/fix-timeline.js';
import type { FixerDay } from '../../../lib/history/types.js';
import { memoryHistoryReader, pageHistory } from '../../helpers/capture-history.js';

const fixerFriday: FixerDay = {
  date: '2020-11-13',
  value: 20.4512,
  lastUpdated: '2020-11-13T23:59:59.000Z',
  provenance: { eur_usd: 1.1834, eur_mxn: 24.2019 },
  fetchedAt: 0,
};

async function rows() {
  const slice = await memoryHistoryReader(pageHistory()).series('SF43718', '2020-10-27', '2020-11-15');
  return buildHistoryRows(createFixTimeline(slice), [fixerFriday], '2020-11-10', '2020-11-15');
}

describe('history rows', () => {
  it('has one row per calendar day with the values that apply and where they were carried from', async () => {
    const result = await rows();
    expect(result.map((row) => row.date)).toEqual([
      '2020-11-10',
      '2020-11-11',
      '2020-11-12',
      '2020-11-13',
      '2020-11-14',
      '2020-11-15',
    ]);
    expect(result[3]).toEqual({
      date: '2020-11-13',
      fix: 20.4833,
      dof: 20.5303,
      para_pagos: 20.5772,
      fixer: 20.4512,
      final: true,
    });
    expect(result[4]).toEqual({
      date: '2020-11-14',
      fix: 20.4833,
      dof: 20.5303,
      para_pagos: 20.5303,
      fixer: null,
      fix_applies_since: '2020-11-13',
      dof_applies_since: '2020-11-13',
      final: true,
    });
    // Para pagos of 10/11 needs the FIX of 05/11, before the capture: null, not a guess.
    expect(result[0]).toMatchObject({ fix: 20.4018, dof: 20.36, para_pagos: null, final: false });
  });
});

describe('CSV', () => {
  it('parses, with a real CSV parser, into a header row, ISO dates and dot-decimal numbers', async () => {
    const csv = toCsv(await rows());
    const records = parse(csv, { columns: true, cast: true, cast_date: false }) as Array<
      Record<string, unknown>
    >;
    expect(Object.keys(records[0] ?? {})).toEqual(['date', 'fix', 'dof', 'para_pagos', 'fixer']);
    expect(records).toHaveLength(6);
    expect(records[3]).toEqual({
      date: '2020-11-13',
      fix: 20.4833,
      dof: 20.5303,
      para_pagos: 20.5772,
      fixer: 20.4512,
    });
    expect(records[4]).toEqual({
      date: '2020-11-14',
      fix: 20.4833,
      dof: 20.5303,
      para_pagos: 20.5303,
      fixer: '',
    });
    for (const record of records) {
      expect(record.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(typeof record.fix).toBe('number');
    }
  });

  it('ends lines with CRLF and writes 4 decimals without thousands separators', async () => {
    const csv = toCsv(await rows());
    expect(csv.split('\r\n')[0]).toBe('date,fix,dof,para_pagos,fixer');
    expect(csv.split('\r\n')[1]).toBe('2020-11-10,20.4018,20.3600,,');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('names the file after the range', () => {
    expect(csvFileName('2020-01-01', '2020-12-31')).toBe('tipo-de-cambio_2020-01-01_2020-12-31.csv');
  });
});

describe('NDJSON', () => {
  it('writes one JSON row per line', async () => {
    const result = await rows();
    const lines = toNdjson(result).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line))).toEqual(result);
  });
});
