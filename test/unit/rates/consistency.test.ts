import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import type { ParsedSource } from '../../../lib/core/rate.js';
import { parseBanxicoSeries } from '../../../lib/providers/banxico.js';
import { parseDofPage } from '../../../lib/providers/dof.js';
import {
  checkConsistency,
  checkDofVsFix,
  checkFixerVsFix,
  checkParaPagosVsSf60653,
  type DatedValue,
  failedChecks,
} from '../../../lib/rates/consistency.js';
import {
  DOF_CAPTURE,
  readCapture,
  SIE_OPORTUNO_CAPTURE,
  SIE_RANGE_CAPTURE,
} from '../../helpers/upstream-files.js';

const dofPage = parseDofPage(readCapture(DOF_CAPTURE));
const fixOf27 = parseBanxicoSeries(readCapture(SIE_OPORTUNO_CAPTURE), 'application/json');

/** Each row of the real page as (date, Publicación DOF), read apart from the parser. */
function dofColumn(): DatedValue[] {
  const $ = load(readCapture(DOF_CAPTURE).toString('latin1'));
  return $('tr.renglonTituloColumnas')
    .nextAll('tr')
    .toArray()
    .map((tr) =>
      $(tr)
        .children('td')
        .toArray()
        .map((td) => $(td).text().trim()),
    )
    .filter((cells) => cells[2] !== 'N/E')
    .map(([date = '', , dof = '']) => ({ date: date.split('/').reverse().join('-'), value: Number(dof) }));
}

function only(parsed: ParsedSource, key: string): DatedValue {
  const rate = parsed.rates.find((candidate) => candidate.key === key);
  if (rate === undefined) throw new Error(`no ${key} rate`);
  return { date: rate.date, value: rate.value };
}

describe('DOF(D) = FIX(previous banking day)', () => {
  it("holds for every row of the real 2020-11-15 page that has both sides, from the page's own FIX column", () => {
    // Prepare
    const rows = dofColumn();

    // Act
    const checks = rows.map((dof) => checkDofVsFix({ rates: { dof }, dofPageFixByDate: dofPage.fixByDate }));

    // Assess: 13, 12, 11 and 10 Nov agree; Mon 9 Nov needs FIX(Fri 6 Nov), older than the page.
    expect(rows.map((row) => row.date)).toEqual([
      '2020-11-13',
      '2020-11-12',
      '2020-11-11',
      '2020-11-10',
      '2020-11-09',
    ]);
    expect(checks.map((check) => check.ok)).toEqual([true, true, true, true, null]);
    expect(checks[0]).toEqual({
      ok: true,
      rule: 'DOF(D) = FIX(previous banking day)',
      dof: { date: '2020-11-13', value: 20.5303 },
      fix: { date: '2020-11-12', value: 20.5303 },
      provenance: "FIX from the DOF page's FIX column",
    });
    expect(checks[4]).toEqual({
      ok: null,
      rule: 'DOF(D) = FIX(previous banking day)',
      dof: { date: '2020-11-09', value: rows[4]?.value },
      fix: null,
      reason: 'FIX of 2020-11-06 not available',
    });
  });

  it('takes FIX from Banxico SIE when its date is the previous banking day, and says so', () => {
    // Prepare: SIE's FIX of Fri 2020-11-27 (captured) against the DOF of Mon 2020-11-30.
    const fix = only(fixOf27, 'banxico');
    const dof = { date: '2020-11-30', value: fix.value };

    // Act
    const check = checkDofVsFix({ rates: { dof, banxico: fix }, dofPageFixByDate: { '2020-11-27': 1 } });

    // Assess
    expect(check).toEqual({
      ok: true,
      rule: 'DOF(D) = FIX(previous banking day)',
      dof,
      fix: { date: '2020-11-27', value: 20.0777 },
      provenance: 'FIX from Banxico SIE SF43718',
    });
  });

  it('is false when the DOF value is changed by one ten-thousandth', () => {
    // Prepare
    const dof = only(dofPage, 'dof');

    // Act
    const check = checkDofVsFix({
      rates: { dof: { ...dof, value: dof.value + 0.0001 } },
      dofPageFixByDate: dofPage.fixByDate,
    });

    // Assess
    expect(check.ok).toBe(false);
    expect(check.fix).toEqual({ date: '2020-11-12', value: 20.5303 });
  });

  it('is null with a reason when no DOF value is served', () => {
    expect(checkDofVsFix({ rates: {}, dofPageFixByDate: dofPage.fixByDate })).toEqual({
      ok: null,
      rule: 'DOF(D) = FIX(previous banking day)',
      dof: null,
      fix: null,
      reason: 'DOF not available',
    });
  });
});

describe('para pagos(D) = SF60653(D)', () => {
  const sf60653 = { date: '2020-11-27', value: 20.0465 }; // captured SF60653 range, 27/11/2020

  it('is null with a reason while no SF60653 rate is served', () => {
    // Act
    const check = checkParaPagosVsSf60653({
      rates: { dof_para_pagos: only(dofPage, 'dof_para_pagos') },
      dofPageFixByDate: undefined,
    });

    // Assess
    expect(check).toEqual({
      ok: null,
      rule: 'para pagos(D) = SF60653(D) on banking days',
      para_pagos: { date: '2020-11-15', value: 20.5303 },
      sf60653: null,
      reason: 'SF60653 not available',
    });
  });

  it('compares the live banxico_para_pagos rate once it is served, true when equal and false when not', () => {
    // Act
    const equal = checkParaPagosVsSf60653({
      rates: { dof_para_pagos: sf60653, banxico_para_pagos: sf60653 },
      dofPageFixByDate: undefined,
    });
    const differing = checkParaPagosVsSf60653({
      rates: { dof_para_pagos: { ...sf60653, value: 20.0466 }, banxico_para_pagos: sf60653 },
      dofPageFixByDate: undefined,
    });

    // Assess
    expect(equal).toEqual({
      ok: true,
      rule: 'para pagos(D) = SF60653(D) on banking days',
      para_pagos: sf60653,
      sf60653,
    });
    expect(differing.ok).toBe(false);
  });

  it('is null on a day without a banking-day row, and when the two are of different dates', () => {
    // Act
    const weekend = checkParaPagosVsSf60653({
      rates: {
        dof_para_pagos: { date: '2020-11-28', value: 20.0465 },
        banxico_para_pagos: { date: '2020-11-28', value: 20.0465 },
      },
      dofPageFixByDate: undefined,
    });
    const dates = checkParaPagosVsSf60653({
      rates: { dof_para_pagos: only(dofPage, 'dof_para_pagos'), banxico_para_pagos: sf60653 },
      dofPageFixByDate: undefined,
    });

    // Assess
    expect(weekend).toMatchObject({ ok: null, reason: '2020-11-28 is not a banking day' });
    expect(dates).toMatchObject({
      ok: null,
      reason: 'different dates: para pagos 2020-11-15, SF60653 2020-11-27',
    });
  });
});

describe('|Fixer − FIX| ≤ 1.5 % of FIX', () => {
  // Fixer's documented example of 2020-11-27: MXN 24.01 / USD 1.196 per EUR.
  const fixer = { date: '2020-11-27', value: 20.0753 };

  it('gives the spread in pesos and percent against the captured FIX', () => {
    // Act
    const check = checkFixerVsFix({
      rates: { fixer, banxico: only(fixOf27, 'banxico') },
      dofPageFixByDate: undefined,
    });

    // Assess: |20.0753 − 20.0777| = 0.0024 pesos, 0.01 % of 20.0777.
    expect(check).toEqual({
      ok: true,
      rule: '|Fixer − FIX| ≤ 1.5 % of FIX',
      fixer,
      fix: { date: '2020-11-27', value: 20.0777 },
      spread_pesos: 0.0024,
      spread_percent: 0.01,
    });
  });

  it('is false past 1.5 % and true at it', () => {
    // Prepare: FIX 20.0000; 1.5 % of it is 0.3000.
    const fix = { date: '2020-11-27', value: 20 };

    // Act
    const at = checkFixerVsFix({
      rates: { fixer: { ...fixer, value: 20.3 }, banxico: fix },
      dofPageFixByDate: undefined,
    });
    const past = checkFixerVsFix({
      rates: { fixer: { ...fixer, value: 20.3001 }, banxico: fix },
      dofPageFixByDate: undefined,
    });

    // Assess
    expect(at).toMatchObject({ ok: true, spread_pesos: 0.3, spread_percent: 1.5 });
    expect(past).toMatchObject({ ok: false, spread_pesos: 0.3001, spread_percent: 1.5 });
  });

  it('is null with null spreads when one side is missing', () => {
    expect(checkFixerVsFix({ rates: { fixer }, dofPageFixByDate: undefined })).toEqual({
      ok: null,
      rule: '|Fixer − FIX| ≤ 1.5 % of FIX',
      fixer,
      fix: null,
      spread_pesos: null,
      spread_percent: null,
      reason: 'FIX not available',
    });
  });
});

describe('the consistency block', () => {
  it('lists the false checks with both sides, for the warning', () => {
    // Prepare: the page's DOF of 13 Nov changed; Fixer far off the FIX of 27 Nov.
    const dof = { date: '2020-11-13', value: 20.6 };
    const consistency = checkConsistency({
      rates: { dof, fixer: { date: '2020-11-27', value: 21 }, banxico: only(fixOf27, 'banxico') },
      dofPageFixByDate: dofPage.fixByDate,
    });

    // Act
    const failed = failedChecks(consistency);

    // Assess
    expect(failed.map((entry) => entry.check)).toEqual(['dof_vs_fix', 'fixer_vs_fix']);
    expect(failed[0]?.detail).toMatchObject({ dof, fix: { date: '2020-11-12', value: 20.5303 } });
    expect(consistency.para_pagos_vs_sf60653.ok).toBeNull();
  });

  it('reads the SIE range capture the same way as the oportuno one', () => {
    // The range capture's newest FIX is 27 Nov, as oportuno's: the FIX side does not depend on the call.
    expect(only(parseBanxicoSeries(readCapture(SIE_RANGE_CAPTURE), 'application/json'), 'banxico')).toEqual(
      only(fixOf27, 'banxico'),
    );
  });
});
