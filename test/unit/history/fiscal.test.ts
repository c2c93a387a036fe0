import { describe, expect, it } from 'vitest';
import {
  FISCAL_RULE_DAY_BEFORE,
  FISCAL_RULE_LAST_BEFORE,
  PARA_PAGOS_RULE,
  rateUnderRule,
} from '../../../lib/history/fiscal.js';
import { createFixTimeline } from '../../../lib/history/fix-timeline.js';
import { memoryHistoryReader, pageHistory, sieHistory } from '../../helpers/capture-history.js';

async function timeline(history: ReturnType<typeof pageHistory>, from: string, to: string) {
  return createFixTimeline(await memoryHistoryReader(history).series('SF43718', from, to));
}

describe('the fiscal rate (CFF art. 20)', () => {
  it('for Monday 2020-11-30 is Friday’s DOF publication, by the "última publicación anterior" branch', async () => {
    const rate = rateUnderRule(
      await timeline(sieHistory(), '2020-11-16', '2020-11-30'),
      '2020-11-30',
      'fiscal',
    );
    expect(rate).toEqual({
      date: '2020-11-30',
      value: 20.0467,
      dofDate: '2020-11-27',
      fixDate: '2020-11-26',
      rule: FISCAL_RULE_LAST_BEFORE,
      kind: 'fiscal',
      // The capture ends on Friday 27: the weekend is forecast by the calendar, so not final yet.
      final: false,
    });
    expect(rate?.rule).toContain('CFF art. 20');
    expect(rate?.rule).toContain('última publicación anterior');
  });

  it('for Friday 2020-11-13 is Thursday’s publication, by the "publicación del día anterior" branch', async () => {
    const rate = rateUnderRule(
      await timeline(pageHistory(), '2020-10-30', '2020-11-13'),
      '2020-11-13',
      'fiscal',
    );
    // The page's para-pagos cell for 13/11/2020 is 20.5772: on banking days they agree.
    expect(rate).toMatchObject({
      value: 20.5772,
      dofDate: '2020-11-12',
      fixDate: '2020-11-11',
      rule: FISCAL_RULE_DAY_BEFORE,
    });
  });

  it('after the 2020-11-16 holiday takes the last publication before it (Friday 13)', async () => {
    // 2020-11-16 was a bank holiday (no SF43718 row): the data is final through it.
    const rate = rateUnderRule(
      await timeline(pageHistory('2020-11-16'), '2020-11-03', '2020-11-17'),
      '2020-11-17',
      'fiscal',
    );
    expect(rate).toMatchObject({
      value: 20.5303,
      dofDate: '2020-11-13',
      rule: FISCAL_RULE_LAST_BEFORE,
      final: true,
    });
  });

  it('names the para-pagos rule for kind=para_pagos, with the same publication', async () => {
    const rate = rateUnderRule(
      await timeline(sieHistory(), '2020-11-16', '2020-11-30'),
      '2020-11-30',
      'para_pagos',
    );
    expect(rate).toMatchObject({
      value: 20.0467,
      dofDate: '2020-11-27',
      rule: PARA_PAGOS_RULE,
      kind: 'para_pagos',
    });
  });

  it('answers nothing when the publication before D is before the data', async () => {
    expect(
      rateUnderRule(await timeline(sieHistory(), '2020-11-13', '2020-11-27'), '2020-11-27', 'fiscal'),
    ).toBeUndefined();
  });
});
