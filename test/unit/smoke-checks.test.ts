import { describe, expect, it } from 'vitest';
import { judgeConsistency, judgePlausibility, percentile } from '../../scripts/lib/smoke-checks.js';

describe('smoke judgements', () => {
  // Literal bodies in the shape of PLAN.md's `consistency` block (after `errors`).
  const answerWith = (consistency: unknown) => ({ rates: {}, errors: {}, consistency });

  it('DOF(D) = FIX(previous banking day): the server’s true passes, false fails, null is not checkable', () => {
    // 2020-11-16 was a bank holiday (Revolution Day): the DOF of Tue 17 prints the FIX of Fri 13.
    const rule = 'DOF(D) = FIX(previous banking day)';
    expect(
      judgeConsistency(
        answerWith({
          dof_vs_fix: {
            ok: true,
            rule,
            dof: { date: '2020-11-17', value: 20.4833 },
            fix: { date: '2020-11-13', value: 20.4833 },
          },
        }),
        'dof_vs_fix',
      ),
    ).toEqual({
      status: 'pass',
      figure: 'DOF(2020-11-17) = 20.4833, FIX(2020-11-13) = 20.4833 (DOF(D) = FIX(previous banking day))',
    });
    expect(
      judgeConsistency(
        answerWith({
          dof_vs_fix: {
            ok: false,
            rule,
            dof: { date: '2020-11-13', value: 20.5303 },
            fix: { date: '2020-11-12', value: 20.5772 },
          },
        }),
        'dof_vs_fix',
      ),
    ).toEqual({
      status: 'fail',
      reason:
        'DOF(2020-11-13) = 20.5303, FIX(2020-11-12) = 20.5772 breaks DOF(D) = FIX(previous banking day)',
    });
    expect(
      judgeConsistency(
        answerWith({
          dof_vs_fix: {
            ok: null,
            rule,
            dof: { date: '2020-11-13', value: 20.5303 },
            fix: null,
            reason: 'no FIX of 2020-11-12 served',
          },
        }),
        'dof_vs_fix',
      ),
    ).toEqual({
      status: 'not-checkable',
      reason: 'no FIX of 2020-11-12 served: DOF(2020-11-13) = 20.5303, FIX missing',
    });
  });

  it('Fixer against the FIX: the server’s spreads are shown, never recomputed', () => {
    const check = {
      ok: true,
      rule: '|Fixer − FIX| ≤ 1.5 % of FIX',
      fixer: { date: '2020-11-27', value: 20.0753 },
      fix: { date: '2020-11-27', value: 20.0777 },
      spread_pesos: 0.0024,
      spread_percent: 0.01,
    };
    expect(judgeConsistency(answerWith({ fixer_vs_fix: check }), 'fixer_vs_fix')).toEqual({
      status: 'pass',
      figure:
        'Fixer(2020-11-27) = 20.0753, FIX(2020-11-27) = 20.0777 (0.0024 pesos, 0.01 % apart) (|Fixer − FIX| ≤ 1.5 % of FIX)',
    });
    // The verdict is the server's: the same figures with ok false fail.
    expect(
      judgeConsistency(answerWith({ fixer_vs_fix: { ...check, ok: false } }), 'fixer_vs_fix').status,
    ).toBe('fail');
  });

  it('an answer without the block, or without the check, is not checkable', () => {
    expect(judgeConsistency({ rates: {}, errors: {} }, 'dof_vs_fix')).toEqual({
      status: 'not-checkable',
      reason: 'the rates answer has no consistency block',
    });
    expect(judgeConsistency(answerWith({}), 'para_pagos_vs_sf60653')).toEqual({
      status: 'not-checkable',
      reason: 'the consistency block has no para_pagos_vs_sf60653 check',
    });
    expect(
      judgeConsistency(
        answerWith({ dof_vs_fix: { ok: 'yes', rule: 'DOF(D) = FIX(previous banking day)' } }),
        'dof_vs_fix',
      ).status,
    ).toBe('not-checkable');
    expect(judgeConsistency(undefined, 'dof_vs_fix').status).toBe('not-checkable');
  });

  it('plausibility uses the providers’ bounds', () => {
    expect(judgePlausibility({ dof: { value: 20.5, date: '2020-11-13' } }).status).toBe('pass');
    expect(judgePlausibility({ dof: { value: 2053, date: '2020-11-13' } })).toEqual({
      status: 'fail',
      reason: 'outside 5–60: dof=2053',
    });
    expect(judgePlausibility({}).status).toBe('not-checkable');
  });

  it('percentile is nearest-rank', () => {
    const samples = Array.from({ length: 20 }, (_, i) => i + 1);
    expect([percentile(samples, 50), percentile(samples, 95), percentile([7], 95)]).toEqual([10, 19, 7]);
  });
});
