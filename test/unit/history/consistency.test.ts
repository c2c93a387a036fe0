import { describe, expect, it } from 'vitest';
import {
  buildDatedConsistency,
  FIXER_VS_FIX_RULE,
  failedChecks,
  fixerVsFix,
  sameRate,
} from '../../../lib/history/consistency.js';

const fix = { date: '2020-11-27', value: 20.0777 };

describe('the dated consistency block', () => {
  it('computes the Fixer–FIX spread in pesos (4 decimals) and percent (2 decimals)', () => {
    expect(fixerVsFix({ date: '2020-11-27', value: 20.09 }, fix)).toEqual({
      ok: true,
      rule: FIXER_VS_FIX_RULE,
      fixer: { date: '2020-11-27', value: 20.09 },
      fix,
      spread_pesos: 0.0123,
      spread_percent: 0.06,
    });
  });

  it('fails the Fixer check beyond 1.5 % of FIX', () => {
    expect(fixerVsFix({ date: '2020-11-27', value: 20.4 }, fix)).toMatchObject({
      ok: false,
      spread_percent: 1.61,
    });
  });

  it('is null with the reason and a null side when one side is missing', () => {
    expect(fixerVsFix({ reason: 'Fixer not available: quota' }, fix)).toEqual({
      ok: null,
      rule: FIXER_VS_FIX_RULE,
      fixer: null,
      fix,
      spread_pesos: null,
      spread_percent: null,
      reason: 'Fixer not available: quota',
    });
  });

  it('compares para pagos with SF60653 and reports a mismatch among the failed checks', () => {
    const block = buildDatedConsistency({
      dof: { reason: 'derived' },
      fixForDof: { date: '2020-11-30', value: 20.0777 },
      paraPagos: { date: '2020-12-01', value: 20.0777 },
      sf60653: { date: '2020-12-01', value: 20.0778 },
      fixer: { reason: 'not part of this route' },
      fix: { reason: 'not part of this route' },
    });
    expect(block.para_pagos_vs_sf60653).toEqual({
      ok: false,
      rule: 'para pagos(D) = SF60653(D) on banking days',
      para_pagos: { date: '2020-12-01', value: 20.0777 },
      sf60653: { date: '2020-12-01', value: 20.0778 },
    });
    expect(block.dof_vs_fix).toEqual({
      ok: null,
      rule: 'DOF(D) = FIX(previous banking day)',
      reason: 'derived',
      dof: null,
      fix: { date: '2020-11-30', value: 20.0777 },
    });
    expect(failedChecks(block).map(([name]) => name)).toEqual(['para_pagos_vs_sf60653']);
  });

  it('treats values equal at 4 decimals as equal, and 0.0001 apart as different', () => {
    expect(sameRate(20.0777, 20.077700000000004)).toBe(true);
    expect(sameRate(20.0777, 20.0778)).toBe(false);
  });
});
