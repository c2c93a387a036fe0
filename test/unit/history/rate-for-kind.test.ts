import { describe, expect, it } from 'vitest';
import { FISCAL_RULE_LAST_BEFORE, PARA_PAGOS_RULE } from '../../../lib/history/fiscal.js';
import {
  type ConversionRate,
  createRateForConversion,
  DOF_RULE,
  FIX_RULE,
} from '../../../lib/history/rate-for-kind.js';
import { memoryHistoryReader, pageHistory, sieHistory } from '../../helpers/capture-history.js';

const liveMarket: ConversionRate = {
  kind: 'market',
  value: 20.1,
  date: '2020-11-29',
  rule: 'live',
  source: 'Fixer latest',
  provenance: {},
};

function rateFor(history = sieHistory(), today = '2020-11-30') {
  const reader = memoryHistoryReader({
    ...history,
    fixer: [
      {
        date: '2020-11-27',
        value: 20.09,
        lastUpdated: '2020-11-27T23:59:59.000Z',
        provenance: { eur_usd: 1.19, eur_mxn: 23.9 },
        fetchedAt: 0,
      },
    ],
  });
  return {
    reader,
    rate: createRateForConversion({ reader, today: () => today, marketToday: async () => liveMarket }),
  };
}

describe('rateForConversion', () => {
  it('gives the FIX and the DOF of a past date with their rules', async () => {
    const { rate } = rateFor();
    expect(await rate('fix', '2020-11-27')).toEqual({
      kind: 'fix',
      value: 20.0777,
      date: '2020-11-27',
      rule: FIX_RULE,
      source: 'Banxico SIE — serie SF43718 (FIX)',
      provenance: { series_id: 'SF43718', requested_date: '2020-11-27', fix_date: '2020-11-27' },
    });
    expect(await rate('dof', '2020-11-27')).toMatchObject({
      value: 20.0467,
      date: '2020-11-27',
      rule: DOF_RULE,
    });
  });

  it('gives the fiscal rate of a Monday by the last-publication branch, dated by its publication', async () => {
    const { rate } = rateFor();
    expect(await rate('fiscal', '2020-11-30')).toMatchObject({
      kind: 'fiscal',
      value: 20.0467,
      date: '2020-11-27',
      rule: FISCAL_RULE_LAST_BEFORE,
      provenance: { dof_date: '2020-11-27', fix_date: '2020-11-26' },
    });
  });

  it('takes today in Mexico City when no date is given', async () => {
    const { rate, reader } = rateFor(pageHistory(), '2020-11-14');
    expect(await rate('para_pagos', undefined)).toMatchObject({
      value: 20.5303,
      date: '2020-11-14',
      rule: PARA_PAGOS_RULE,
    });
    expect(await rate('fix', undefined)).toMatchObject({
      value: 20.4833,
      date: '2020-11-13',
      applies_since: '2020-11-13',
    });
    expect(reader.calls.series.at(-1)).toEqual(['SF43718', '2020-10-31', '2020-11-14']);
  });

  it('uses Fixer historical for a past market rate and the live rate for today', async () => {
    const { rate, reader } = rateFor();
    expect(await rate('market', '2020-11-27')).toMatchObject({
      kind: 'market',
      value: 20.09,
      date: '2020-11-27',
    });
    expect(await rate('market', undefined)).toBe(liveMarket);
    expect(await rate('market', '2020-11-30')).toBe(liveMarket);
    expect(reader.calls.fixerOn).toEqual(['2020-11-27']);
  });

  it('throws before_history before the sources start', async () => {
    const { rate } = rateFor();
    await expect(rate('fix', '1991-01-02')).rejects.toMatchObject({ code: 'before_history' });
    await expect(rate('market', '1998-12-31')).rejects.toMatchObject({ code: 'before_history' });
  });

  it('throws not_published when the data has no value to derive from', async () => {
    const { rate } = rateFor();
    await expect(rate('para_pagos', '2020-11-27')).rejects.toMatchObject({ code: 'not_published' });
  });
});
