import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../lib/core/provider-error.js';
import { answerDatedRates } from '../../../lib/history/dated-rates.js';
import type { FixerDay } from '../../../lib/history/types.js';
import { memoryHistoryReader, pageHistory, sieHistory } from '../../helpers/capture-history.js';

const fixerDay = (date: string, value: number, stated = date): FixerDay => ({
  date: stated,
  value,
  lastUpdated: `${stated}T23:59:59.000Z`,
  provenance: { requested_date: date },
  fetchedAt: Date.parse('2020-11-29T12:00:00Z'),
});

describe('GET /v1/rates?date= answers', () => {
  it('answers 2020-11-27 from the SIE captures: FIX 20.0777, DOF = FIX(2020-11-26) = 20.0467', async () => {
    const reader = memoryHistoryReader({ ...sieHistory(), fixer: [fixerDay('2020-11-27', 20.09)] });
    const { body, immutable } = await answerDatedRates(
      reader,
      '2020-11-27',
      ['dof', 'fixer', 'banxico'],
      '2020-11-29',
    );
    expect(body.date).toBe('2020-11-27');
    expect(body.rates.banxico).toMatchObject({
      value: 20.0777,
      date: '2020-11-27',
      final: true,
      kind: 'fix',
    });
    expect(body.rates.banxico?.applies_since).toBeUndefined();
    expect(body.rates.banxico?.last_updated).toBe('2020-11-27T18:00:00.000Z');
    expect(body.rates.fixer).toMatchObject({ value: 20.09, date: '2020-11-27', final: true, kind: 'market' });
    // Para pagos of 27/11 needs the FIX of 25/11, which no capture has: it alone is reported,
    // and DOF(27/11) = FIX(26/11) is still served.
    expect(body.errors).toEqual({});
    expect(body.rate_errors).toEqual({
      dof_para_pagos: {
        code: 'not_published',
        message: 'SIE has no FIX (SF43718) from which para pagos for 2020-11-27 follows.',
      },
    });
    expect(body.rates.dof).toMatchObject({ value: 20.0467, date: '2020-11-27', final: true, kind: 'dof' });
    expect(body.rates.dof_para_pagos).toBeUndefined();
    expect(body.consistency.fixer_vs_fix).toMatchObject({
      ok: true,
      spread_pesos: 0.0123,
      spread_percent: 0.06,
    });
    // SF60653 has 20.0465 on 27/11 but para pagos is not known: not checkable.
    expect(body.consistency.para_pagos_vs_sf60653).toMatchObject({
      ok: null,
      sf60653: { date: '2020-11-27', value: 20.0465 },
    });
    expect(immutable).toBe(false);
  });

  it('checks para pagos(2020-12-01) = FIX(2020-11-27) against SF60653 of 2020-12-01', async () => {
    const reader = memoryHistoryReader(sieHistory());
    const { body } = await answerDatedRates(reader, '2020-12-01', ['dof'], '2020-12-01');
    expect(body.consistency.para_pagos_vs_sf60653).toEqual({
      ok: true,
      rule: 'para pagos(D) = SF60653(D) on banking days',
      para_pagos: { date: '2020-12-01', value: 20.0777 },
      sf60653: { date: '2020-12-01', value: 20.0777 },
    });
    // DOF(2020-12-01) is the FIX of Monday 30/11, which no capture has: para pagos is served alone.
    expect(body.errors).toEqual({});
    expect(body.rate_errors).toEqual({
      dof: {
        code: 'not_published',
        message: 'SIE has no FIX (SF43718) from which the DOF publication for 2020-12-01 follows.',
      },
    });
    expect(Object.keys(body.rates)).toEqual(['dof_para_pagos']);
    expect(body.consistency.dof_vs_fix).toMatchObject({ ok: null, dof: null, fix: null });
  });

  it('serves the dated DOF source on 2020-11-27 with dof = 20.0467 while para pagos is missing', async () => {
    const reader = memoryHistoryReader(sieHistory());
    const { body, immutable } = await answerDatedRates(reader, '2020-11-27', ['dof'], '2020-11-29');
    expect(body.rates).toEqual({
      dof: expect.objectContaining({ value: 20.0467, date: '2020-11-27', kind: 'dof', final: true }),
    });
    expect(body.errors).toEqual({});
    expect(body.rate_errors).toEqual({
      dof_para_pagos: {
        code: 'not_published',
        message: 'SIE has no FIX (SF43718) from which para pagos for 2020-11-27 follows.',
      },
    });
    expect(immutable).toBe(false);
  });

  it('puts the DOF source in errors, naming both rates, only when neither can be served', async () => {
    const reader = memoryHistoryReader(sieHistory());
    const { body } = await answerDatedRates(reader, '2020-11-26', ['dof'], '2020-11-29');
    expect(body.rates).toEqual({});
    expect(body.rate_errors).toBeUndefined();
    expect(body.errors).toEqual({
      dof: {
        code: 'not_published',
        message:
          'SIE has no FIX (SF43718) from which the DOF publication for 2020-11-26 follows. ' +
          'SIE has no FIX (SF43718) from which para pagos for 2020-11-26 follows.',
      },
    });
  });

  it('answers a Saturday with applies_since and says SF60653 cannot be compared', async () => {
    const reader = memoryHistoryReader({
      series: {
        ...pageHistory().series,
        SF60653: { observations: [], coveredFrom: '2020-11-09', finalThrough: '2020-11-15', source: 'x' },
      },
    });
    const { body, immutable } = await answerDatedRates(
      reader,
      '2020-11-14',
      ['dof', 'banxico'],
      '2020-11-29',
    );
    expect(body.rates.banxico).toMatchObject({
      value: 20.4833,
      date: '2020-11-13',
      applies_since: '2020-11-13',
      final: true,
    });
    expect(body.rates.dof).toMatchObject({
      value: 20.5303,
      date: '2020-11-13',
      applies_since: '2020-11-13',
      final: true,
    });
    expect(body.rates.dof_para_pagos).toMatchObject({ value: 20.5303, date: '2020-11-14', final: true });
    expect(body.rates.dof_para_pagos?.applies_since).toBeUndefined();
    expect(body.consistency.para_pagos_vs_sf60653).toMatchObject({
      ok: null,
      reason: '2020-11-14 is not a banking day: SF60653 has no value for it',
    });
    expect(immutable).toBe(true);
    expect(Object.keys(body.rates)).toEqual(['dof', 'dof_para_pagos', 'banxico']);
  });

  it('answers the 2020-11-16 bank holiday with applies_since', async () => {
    // 2020-11-16 was Revolution Day: SF43718 has no row for it (data final through it).
    const reader = memoryHistoryReader(pageHistory('2020-11-16'));
    const { body } = await answerDatedRates(reader, '2020-11-16', ['banxico'], '2020-11-29');
    expect(body.rates.banxico).toMatchObject({ value: 20.4833, applies_since: '2020-11-13', final: true });
  });

  it('puts a date before each source’s history in errors with before_history, calling nobody', async () => {
    const reader = memoryHistoryReader(sieHistory());
    const { body, immutable } = await answerDatedRates(
      reader,
      '1990-06-01',
      ['dof', 'fixer', 'banxico'],
      '2020-11-29',
    );
    expect(body.rates).toEqual({});
    expect(body.errors).toEqual({
      dof: {
        code: 'before_history',
        message: "Banxico SIE's FIX (SF43718) starts on 1991-11-12; nothing applies on 1990-06-01.",
      },
      banxico: {
        code: 'before_history',
        message: "Banxico SIE's FIX (SF43718) starts on 1991-11-12; nothing applies on 1990-06-01.",
      },
      fixer: { code: 'before_history', message: "Fixer's history starts on 1999-01-01." },
    });
    expect(immutable).toBe(true);
    expect(reader.calls.fixerOn).toEqual([]);
    expect(reader.calls.series.filter(([series]) => series === 'SF43718')).toEqual([]);
  });

  it('puts a failing source in errors with its code and keeps the others', async () => {
    const reader = memoryHistoryReader(sieHistory());
    reader.fixerOn = async () => {
      throw new ProviderError('quota_exhausted', 'Fixer budget spent');
    };
    const { body, immutable } = await answerDatedRates(
      reader,
      '2020-11-27',
      ['fixer', 'banxico'],
      '2020-11-29',
    );
    expect(body.errors).toEqual({ fixer: { code: 'quota_exhausted', message: 'Fixer budget spent' } });
    expect(body.rates.banxico?.value).toBe(20.0777);
    expect(body.consistency.fixer_vs_fix).toMatchObject({
      ok: null,
      reason: 'Fixer not available: Fixer budget spent',
    });
    // The banxico source carries SF60653 of the date, as today's answer does.
    expect(body.rates.banxico_para_pagos).toMatchObject({
      value: 20.0465,
      date: '2020-11-27',
      kind: 'para_pagos',
    });
    expect(body.consistency.para_pagos_vs_sf60653).toEqual({
      ok: null,
      rule: 'para pagos(D) = SF60653(D) on banking days',
      reason: 'SF43718 has no value from which para pagos for 2020-11-27 follows',
      para_pagos: null,
      sf60653: { date: '2020-11-27', value: 20.0465 },
    });
    expect(immutable).toBe(false);
  });

  it('lets a non-provider failure (the store) through', async () => {
    const reader = memoryHistoryReader(sieHistory());
    reader.series = async () => {
      throw new Error('DynamoDB unavailable');
    };
    await expect(answerDatedRates(reader, '2020-11-27', ['banxico'], '2020-11-29')).rejects.toThrow(
      'DynamoDB unavailable',
    );
  });

  it('reads one SF43718 window and one SF60653 day', async () => {
    const reader = memoryHistoryReader({ ...sieHistory(), fixer: [fixerDay('2020-11-27', 20.09)] });
    await answerDatedRates(reader, '2020-11-27', ['dof', 'fixer', 'banxico'], '2020-11-29');
    expect(reader.calls.series).toEqual([
      ['SF43718', '2020-11-13', '2020-11-27'],
      ['SF60653', '2020-11-27', '2020-11-27'],
    ]);
    expect(reader.calls.fixerOn).toEqual(['2020-11-27']);
  });

  it('marks a Fixer value Fixer dated another day with applies_since', async () => {
    const reader = memoryHistoryReader({
      ...sieHistory(),
      fixer: [fixerDay('2020-11-28', 20.1, '2020-11-27')],
    });
    reader.fixerOn = async () => fixerDay('2020-11-28', 20.1, '2020-11-27');
    const { body } = await answerDatedRates(reader, '2020-11-28', ['fixer'], '2020-11-29');
    expect(body.rates.fixer).toMatchObject({ date: '2020-11-27', applies_since: '2020-11-27', final: true });
  });
});
