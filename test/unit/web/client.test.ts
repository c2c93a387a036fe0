import { describe, expect, it } from 'vitest';
import { daysBefore, formatAge, groupDigits, mexicoCityToday } from '../../../lib/web/client/format.js';
import { sourceProblem } from '../../../lib/web/client/messages.js';
import { consistencyVerdict, consistencyVerdicts } from '../../../lib/web/client/summary.js';
import {
  readConsistency,
  readConversion,
  readFiscal,
  readHistory,
  readRatesBody,
} from '../../../lib/web/client/types.js';

/**
 * The page's pure parts (no DOM): the guards that read the API's JSON, the verdict lines of
 * the consistency block, the error words by code, and the formatting of decimals and ages.
 */
const todayRate = {
  value: 20.0777,
  date: '2020-11-27',
  last_updated: '2020-11-27T18:00:00.000Z',
  kind: 'fix',
  source: 'Banxico SIE',
  fetched_at: '2026-11-29T15:00:00.000Z',
  stale: false,
  fresh_until: '2026-11-29T15:15:00.000Z',
  next_update: '2020-11-30T18:00:00.000Z',
  provenance: {},
};
const { stale: _stale, fresh_until: _until, next_update: _next, ...datedBase } = todayRate;
const datedRate = { ...datedBase, final: true, applies_since: '2020-11-27' };

describe('reading a rates answer', () => {
  it("reads today's rates and the consistency block", () => {
    const body = readRatesBody({
      rates: { banxico: todayRate },
      errors: { fixer: { code: 'not_configured', message: 'FIXER_ACCESS_KEY is not set' }, dof: 'junk' },
      consistency: {
        dof_vs_fix: {
          ok: null,
          rule: 'DOF(D) = FIX(previous banking day)',
          dof: null,
          fix: null,
          reason: 'x',
        },
      },
    });
    expect(body?.rates.banxico?.next_update).toBe('2020-11-30T18:00:00.000Z');
    expect(body?.errors).toEqual({
      fixer: { code: 'not_configured', message: 'FIXER_ACCESS_KEY is not set' },
    });
    expect(body?.consistency?.dof_vs_fix?.sides).toEqual({ dof: null, fix: null });
  });

  it('reads a dated answer (no freshness fields; final and applies_since)', () => {
    const rate = readRatesBody({ date: '2020-11-29', rates: { banxico: datedRate }, errors: {} })?.rates
      .banxico;
    expect(rate).toMatchObject({ stale: false, final: true, applies_since: '2020-11-27' });
    expect(rate?.next_update).toBeUndefined();
  });

  it('refuses an answer with a malformed rate, or without rates', () => {
    for (const broken of [
      { rates: { banxico: { ...todayRate, value: '20.07' } } },
      { rates: { banxico: { ...todayRate, date: undefined } } },
      // Neither today's `stale` nor a dated `final`.
      { rates: { banxico: datedBase } },
      { rates: [] },
      { errors: {} },
      null,
      'text',
    ]) {
      expect(readRatesBody(broken), JSON.stringify(broken)).toBeUndefined();
    }
  });

  it('keeps only well-formed consistency checks', () => {
    expect(
      readConsistency({
        dof_vs_fix: { ok: 'yes', rule: 'r' },
        fixer_vs_fix: { ok: true, rule: 'r', fixer: { date: '2020-11-27', value: 20 }, fix: 'x' },
      }),
    ).toEqual({
      fixer_vs_fix: {
        ok: true,
        rule: 'r',
        reason: undefined,
        sides: { fixer: { date: '2020-11-27', value: 20 }, fix: null },
        spread_pesos: undefined,
        spread_percent: undefined,
      },
    });
    expect(readConsistency(undefined)).toBeUndefined();
  });
});

describe('reading the other routes', () => {
  it('reads a conversion with amounts and the rate as decimal text, refusing floats for amounts', () => {
    const conversion = {
      amount: '1000.00',
      from: 'USD',
      to: 'MXN',
      result: '20077.70',
      rounding: 'half-up, 2 decimals (SAT c_Moneda: MXN has 2 decimals)',
      rate: { kind: 'fix', value: '20.0777', date: '2020-11-27', rule: 'r', source: 's', provenance: {} },
      date: '2026-11-29',
    };
    expect(readConversion(conversion)?.rate.value).toBe('20.0777');
    expect(readConversion({ ...conversion, rate: { ...conversion.rate, value: 20.0777 } })?.rate.value).toBe(
      '20.0777',
    );
    expect(readConversion({ ...conversion, result: 20077.7 })).toBeUndefined();
    expect(readConversion({ ...conversion, amount: '1e3' })).toBeUndefined();
  });

  it('reads history rows with nulls, refusing a row whose value is not a number or null', () => {
    const row = { date: '2020-11-28', fix: null, dof: null, para_pagos: 20.5303, fixer: 20.1, final: true };
    expect(readHistory({ from: '2020-11-28', to: '2020-11-28', rows: [row], notes: {} })?.rows).toEqual([
      { date: '2020-11-28', fix: null, dof: null, para_pagos: 20.5303, fixer: 20.1 },
    ]);
    expect(readHistory({ from: 'a', to: 'b', rows: [{ ...row, fix: '20.1' }] })).toBeUndefined();
    expect(readHistory({ from: 'a', to: 'b' })).toBeUndefined();
  });

  it('reads a fiscal answer', () => {
    const fiscal = {
      date: '2020-11-15',
      value: 20.5303,
      dof_date: '2020-11-13',
      fix_date: '2020-11-12',
      rule: 'r',
    };
    expect(readFiscal({ ...fiscal, kind: 'fiscal' })).toEqual({ ...fiscal, kind: 'fiscal' });
    expect(readFiscal({ ...fiscal, dof_date: undefined })).toBeUndefined();
  });
});

describe('consistency verdicts', () => {
  const check = (ok: boolean | null, fix: { date: string; value: number } | null) => ({
    ok,
    rule: 'DOF(D) = FIX(previous banking day)',
    sides: { dof: { date: '2020-11-17', value: 20.3987 }, fix },
  });

  it('says passed, failed and not checkable in one line each', () => {
    expect(consistencyVerdict('dof_vs_fix', check(true, { date: '2020-11-13', value: 20.3987 }))).toEqual({
      name: 'dof_vs_fix',
      text: 'DOF = FIX del día hábil anterior ✓ (DOF del 17 nov 2020: 20.3987; FIX del 13 nov 2020: 20.3987)',
      tone: 'ok',
    });
    expect(consistencyVerdict('dof_vs_fix', check(false, { date: '2020-11-13', value: 20.4 })).tone).toBe(
      'bad',
    );
    expect(consistencyVerdict('dof_vs_fix', check(null, null))).toEqual({
      name: 'dof_vs_fix',
      text: 'DOF = FIX del día hábil anterior: no verificable (falta el valor de FIX).',
      tone: 'unknown',
    });
  });

  it('says why a check with both sides could not be made: their dates differ', () => {
    const settlement = {
      ok: null,
      rule: 'para pagos(D) = SF60653(D) on banking days',
      reason: 'different dates: para pagos 2020-11-15, SF60653 2020-12-01',
      sides: {
        para_pagos: { date: '2020-11-15', value: 20.5303 },
        sf60653: { date: '2020-12-01', value: 20.0777 },
      },
    };
    expect(consistencyVerdict('para_pagos_vs_sf60653', settlement).text).toBe(
      'Para pagos = FIX por fecha de liquidación (SF60653): no verificable (son de fechas distintas: para pagos del 15 nov 2020: 20.5303; SF60653 del 1 dic 2020: 20.0777).',
    );
  });

  it('lists the checks in the block order, and nothing when the server sent none', () => {
    const fixer = {
      ok: true,
      rule: 'r',
      sides: { fixer: { date: '2020-11-27', value: 20.0753 }, fix: { date: '2020-11-27', value: 20.0777 } },
      spread_pesos: 0.0024,
      spread_percent: 0.01,
    };
    expect(
      consistencyVerdicts({
        fixer_vs_fix: fixer,
        dof_vs_fix: check(true, { date: '2020-11-13', value: 1 }),
      }).map(({ name }) => name),
    ).toEqual(['dof_vs_fix', 'fixer_vs_fix']);
    expect(consistencyVerdicts({ fixer_vs_fix: fixer })[0]?.text).toBe(
      'Fixer a no más de 1.5 % del FIX ✓ (Fixer del 27 nov 2020: 20.0753; FIX del 27 nov 2020: 20.0777; diferencia 0.0024 pesos (0.01 %))',
    );
    expect(consistencyVerdicts(undefined)).toEqual([]);
  });
});

describe('error words by code', () => {
  it('blames our configuration, naming the variable, when a key is not configured', () => {
    expect(sourceProblem('not_configured', 'BANXICO_TOKEN is not set: set it …', 'banxico')).toEqual({
      what: 'el servicio no tiene configurada la clave de esta fuente (BANXICO_TOKEN), así que no la consulta',
      todo: 'quien administra el servicio debe configurarla; no es un problema de tu cuenta',
    });
  });

  it('tells an unreachable host from an error answer', () => {
    const unreachable = sourceProblem(
      'upstream_error',
      'DOF page: could not reach x: connection refused',
      'dof',
    );
    const answered = sourceProblem('upstream_error', 'DOF page answered HTTP 500', 'dof');
    expect(unreachable.what).toBe('no pudimos conectarnos con la fuente');
    expect(answered.what).toBe('la fuente respondió con un error');
  });

  it('has its own words for every code of the API', () => {
    const codes = [
      'timeout',
      'upstream_error',
      'layout_changed',
      'not_published',
      'invalid_value',
      'unauthorized_upstream',
      'quota_exhausted',
      'not_configured',
      'before_history',
    ];
    const fallback = sourceProblem('something_new', '', 'dof');
    const words = codes.map((code) => sourceProblem(code, '', 'fixer').what);
    expect(new Set(words).size).toBe(codes.length);
    for (const what of words) expect(what).not.toBe(fallback.what);
  });
});

describe('formatting', () => {
  it('groups the digits of a decimal text without turning it into a float', () => {
    expect(groupDigits('999999999.99')).toBe('999,999,999.99');
    expect(groupDigits('1000.00')).toBe('1,000.00');
    expect(groupDigits('0.01')).toBe('0.01');
    expect(groupDigits('123456789012345')).toBe('123,456,789,012,345');
  });

  it("says a value's age by its order of magnitude", () => {
    expect(formatAge(45)).toBe('45 s');
    expect(formatAge(3 * 3600)).toBe('3 h');
    expect(formatAge(5 * 86_400)).toBe('5 días');
    expect(formatAge(90 * 86_400)).toBe('3 meses');
    expect(formatAge(6 * 365 * 86_400 + 86_400)).toBe('6 años');
  });

  it('counts calendar days back across month ends, and knows Mexico City dates', () => {
    expect(daysBefore('2020-11-27', 29)).toBe('2020-10-29');
    expect(daysBefore('2021-03-01', 1)).toBe('2021-02-28');
    // 05:30 UTC on 1 Dec 2020 is still 30 Nov in Mexico City (UTC−6).
    expect(mexicoCityToday(Date.parse('2020-12-01T05:30:00Z'))).toBe('2020-11-30');
  });
});
