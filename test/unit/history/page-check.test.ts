import { describe, expect, it } from 'vitest';
import { createFixTimeline } from '../../../lib/history/fix-timeline.js';
import { checkPageRows } from '../../../lib/history/page-check.js';
import { memoryHistoryReader, pageCaptureRows, pageHistory } from '../../helpers/capture-history.js';

async function pageTimeline() {
  return createFixTimeline(
    await memoryHistoryReader(pageHistory()).series('SF43718', '2020-11-01', '2020-11-15'),
  );
}

describe('the 2020 page rows against the identities', () => {
  it('agrees on every cell the FIX column reaches', async () => {
    const checks = checkPageRows(await pageTimeline(), pageCaptureRows());
    const checkable = checks.filter((check) => check.ok !== null);
    expect(checkable.every((check) => check.ok)).toBe(true);
    // 7 FIX cells (5 values, 2 N/E); DOF from 10/11 on (DOF of 09/11 is FIX of 06/11,
    // before the page); para pagos from 11/11 on (it needs two banking days back).
    expect(checkable.map((check) => `${check.date} ${check.column}`)).toEqual([
      '2020-11-09 fix',
      '2020-11-10 fix',
      '2020-11-10 dof',
      '2020-11-11 fix',
      '2020-11-11 dof',
      '2020-11-11 para_pagos',
      '2020-11-12 fix',
      '2020-11-12 dof',
      '2020-11-12 para_pagos',
      '2020-11-13 fix',
      '2020-11-13 dof',
      '2020-11-13 para_pagos',
      '2020-11-14 fix',
      '2020-11-14 dof',
      '2020-11-14 para_pagos',
      '2020-11-15 fix',
      '2020-11-15 dof',
      '2020-11-15 para_pagos',
    ]);
    expect(checks.find((check) => check.date === '2020-11-13' && check.column === 'dof')).toEqual({
      date: '2020-11-13',
      column: 'dof',
      page: 20.5303,
      expected: 20.5303,
      ok: true,
    });
  });

  it('treats the weekend N/E of FIX and DOF as agreeing with a day without its own value', async () => {
    const checks = checkPageRows(await pageTimeline(), pageCaptureRows());
    expect(checks.find((check) => check.date === '2020-11-14' && check.column === 'dof')).toEqual({
      date: '2020-11-14',
      column: 'dof',
      page: null,
      expected: null,
      ok: true,
    });
  });

  it('flags a page cell that breaks an identity', async () => {
    const rows = pageCaptureRows().map((row) =>
      row.date === '2020-11-12' ? { ...row, paraPagos: 20.4019 } : row,
    );
    const failed = checkPageRows(await pageTimeline(), rows).filter((check) => check.ok === false);
    expect(failed).toEqual([
      { date: '2020-11-12', column: 'para_pagos', page: 20.4019, expected: 20.4018, ok: false },
    ]);
  });

  it('flags a value the page shows on a day the data says had none', async () => {
    const rows = pageCaptureRows().map((row) => (row.date === '2020-11-14' ? { ...row, dof: 20.5303 } : row));
    const failed = checkPageRows(await pageTimeline(), rows).filter((check) => check.ok === false);
    expect(failed).toEqual([{ date: '2020-11-14', column: 'dof', page: 20.5303, expected: null, ok: false }]);
  });
});
