import { describe, expect, it } from 'vitest';
import {
  judgeDofAgainstFix,
  judgeMarketAgainstFix,
  judgePlausibility,
  percentile,
} from '../../scripts/lib/smoke-checks.js';

describe('smoke judgements', () => {
  it('DOF(D) = FIX(previous banking day): equal passes, different fails, other dates are not checkable', () => {
    // 2020-11-16 was a bank holiday (Revolution Day): the DOF of Tue 17 prints the FIX of Fri 13.
    expect(
      judgeDofAgainstFix({ value: 20.4833, date: '2020-11-17' }, { value: 20.4833, date: '2020-11-13' }),
    ).toEqual({ status: 'pass', figure: 'DOF(2020-11-17) = FIX(2020-11-13) = 20.4833' });
    expect(
      judgeDofAgainstFix({ value: 20.5303, date: '2020-11-13' }, { value: 20.5772, date: '2020-11-12' }),
    ).toEqual({ status: 'fail', reason: 'DOF(2020-11-13) = 20.5303 but FIX(2020-11-12) = 20.5772' });
    expect(
      judgeDofAgainstFix({ value: 20.5303, date: '2020-11-13' }, { value: 20.0777, date: '2020-11-27' })
        .status,
    ).toBe('not-checkable');
    expect(judgeDofAgainstFix(undefined, { value: 20.0777, date: '2020-11-27' }).status).toBe(
      'not-checkable',
    );
  });

  it('plausibility uses the providers’ bounds', () => {
    expect(judgePlausibility({ dof: { value: 20.5, date: '2020-11-13' } }).status).toBe('pass');
    expect(judgePlausibility({ dof: { value: 2053, date: '2020-11-13' } })).toEqual({
      status: 'fail',
      reason: 'outside 5–60: dof=2053',
    });
    expect(judgePlausibility({}).status).toBe('not-checkable');
  });

  it('the market rate must be within 3% of the FIX of the same day', () => {
    expect(
      judgeMarketAgainstFix({ value: 20.0753, date: '2020-11-27' }, { value: 20.0777, date: '2020-11-27' })
        .status,
    ).toBe('pass');
    expect(
      judgeMarketAgainstFix({ value: 22, date: '2020-11-27' }, { value: 20, date: '2020-11-27' }).status,
    ).toBe('fail');
    expect(
      judgeMarketAgainstFix({ value: 22, date: '2020-11-26' }, { value: 20, date: '2020-11-27' }).status,
    ).toBe('not-checkable');
  });

  it('percentile is nearest-rank', () => {
    const samples = Array.from({ length: 20 }, (_, i) => i + 1);
    expect([percentile(samples, 50), percentile(samples, 95), percentile([7], 95)]).toEqual([10, 19, 7]);
  });
});
