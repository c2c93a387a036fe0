import { describe, expect, it } from 'vitest';
import {
  parseAverageKind,
  parseFiscalKind,
  parseFormat,
  parseMonth,
  parseOptionalDate,
  parseRange,
  parseRequiredDate,
  QueryError,
} from '../../../lib/history/query.js';

const today = '2024-03-15';

function refusal(run: () => unknown): { parameter: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof QueryError) return { parameter: error.parameter, message: error.message };
    throw error;
  }
  throw new Error('expected a QueryError');
}

describe('date', () => {
  it('accepts a past date and today, and is optional on the rates routes', () => {
    expect(parseOptionalDate({ date: '2024-01-05' }, today)).toBe('2024-01-05');
    expect(parseOptionalDate({ date: today }, today)).toBe(today);
    expect(parseOptionalDate({}, today)).toBeUndefined();
    expect(parseOptionalDate(null, today)).toBeUndefined();
  });

  it('refuses 2024-02-30, naming the parameter and the form', () => {
    expect(refusal(() => parseOptionalDate({ date: '2024-02-30' }, today))).toEqual({
      parameter: 'date',
      message: 'date 2024-02-30 is not a calendar date (YYYY-MM-DD with a real month and day).',
    });
  });

  it('refuses 05/01/2024', () => {
    expect(refusal(() => parseOptionalDate({ date: '05/01/2024' }, today))).toEqual({
      parameter: 'date',
      message: 'date must be a date written YYYY-MM-DD, e.g. 2024-01-05 (got "05/01/2024").',
    });
  });

  it('refuses a future date', () => {
    expect(refusal(() => parseOptionalDate({ date: '2024-03-16' }, today))).toEqual({
      parameter: 'date',
      message:
        'date 2024-03-16 is in the future; rates exist up to today in Mexico City, 2024-03-15 (YYYY-MM-DD).',
    });
  });

  it('requires it where it is not optional', () => {
    expect(refusal(() => parseRequiredDate({}, today))).toEqual({
      parameter: 'date',
      message: 'date is required (YYYY-MM-DD).',
    });
  });
});

describe('from and to', () => {
  it('accepts 366 days', () => {
    expect(parseRange({ from: '2023-03-16', to: '2024-03-15' }, today)).toEqual({
      from: '2023-03-16',
      to: '2024-03-15',
    });
    expect(parseRange({ from: '2024-01-01', to: '2024-01-01' }, today)).toEqual({
      from: '2024-01-01',
      to: '2024-01-01',
    });
  });

  it('refuses from after to', () => {
    expect(refusal(() => parseRange({ from: '2024-02-02', to: '2024-02-01' }, today))).toEqual({
      parameter: 'from',
      message: 'from 2024-02-02 is after to 2024-02-01; from must be on or before to.',
    });
  });

  it('refuses 367 days, saying the limit', () => {
    expect(refusal(() => parseRange({ from: '2023-03-14', to: '2024-03-14' }, today))).toEqual({
      parameter: 'to',
      message:
        'The range from 2023-03-14 to 2024-03-14 has 367 days; at most 366 are allowed (to ≤ 2024-03-13).',
    });
  });

  it('requires both and checks each like date', () => {
    expect(refusal(() => parseRange({ to: '2024-01-01' }, today))).toEqual({
      parameter: 'from',
      message: 'from is required (YYYY-MM-DD).',
    });
    expect(refusal(() => parseRange({ from: '2024-01-01', to: '2024-1-2' }, today))).toEqual({
      parameter: 'to',
      message: 'to must be a date written YYYY-MM-DD, e.g. 2024-01-05 (got "2024-1-2").',
    });
  });
});

describe('format', () => {
  it('takes format first, then Accept, else JSON', () => {
    expect(parseFormat({ format: 'csv' }, 'application/json')).toBe('csv');
    expect(parseFormat({}, 'text/csv; charset=utf-8')).toBe('csv');
    expect(parseFormat({}, 'application/json;q=0.5, application/x-ndjson')).toBe('json');
    expect(parseFormat({}, 'application/x-ndjson')).toBe('ndjson');
    expect(parseFormat({}, '*/*')).toBe('json');
    expect(parseFormat({}, undefined)).toBe('json');
  });

  it('refuses an unknown format', () => {
    expect(refusal(() => parseFormat({ format: 'xlsx' }, undefined))).toEqual({
      parameter: 'format',
      message: 'format must be one of json, csv, ndjson (got "xlsx").',
    });
  });
});

describe('kind', () => {
  it('defaults to fiscal on the fiscal route and requires fix or dof on the average route', () => {
    expect(parseFiscalKind({})).toBe('fiscal');
    expect(parseFiscalKind({ kind: 'para_pagos' })).toBe('para_pagos');
    expect(parseAverageKind({ kind: 'dof' })).toBe('dof');
    expect(refusal(() => parseAverageKind({}))).toEqual({
      parameter: 'kind',
      message: 'kind is required (one of fix, dof).',
    });
  });

  it('refuses an unknown kind', () => {
    expect(refusal(() => parseFiscalKind({ kind: 'market' }))).toEqual({
      parameter: 'kind',
      message: 'kind must be one of fiscal, para_pagos (got "market").',
    });
  });
});

describe('month', () => {
  it('accepts a past or the current month', () => {
    expect(parseMonth({ month: '2024-03' }, today)).toBe('2024-03');
    expect(parseMonth({ month: '1991-11' }, today)).toBe('1991-11');
  });

  it('refuses a future month and a malformed one', () => {
    expect(refusal(() => parseMonth({ month: '2024-04' }, today))).toEqual({
      parameter: 'month',
      message: 'month 2024-04 is in the future; the current month in Mexico City is 2024-03 (YYYY-MM).',
    });
    expect(refusal(() => parseMonth({ month: '2024-13' }, today))).toEqual({
      parameter: 'month',
      message: 'month must be a month written YYYY-MM, e.g. 2024-01 (got "2024-13").',
    });
  });
});
