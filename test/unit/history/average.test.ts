import { describe, expect, it } from 'vitest';
import { monthBounds, monthlyAverage } from '../../../lib/history/average.js';
import { createFixTimeline } from '../../../lib/history/fix-timeline.js';
import type { Observation, SeriesSlice } from '../../../lib/history/types.js';
import { memoryHistoryReader, pageHistory } from '../../helpers/capture-history.js';

function slice(observations: Observation[], from: string, to: string, finalThrough = to): SeriesSlice {
  return { series: 'SF43718', from, to, observations, finalThrough, source: 'test', fetchedAt: 0 };
}

// February 2021 had 19 banking days (Feb 1 was Constitution Day). Values: 20 + day/100.
const february2021: Observation[] = [];
for (let day = 2; day <= 28; day += 1) {
  const weekday = new Date(Date.UTC(2021, 1, day)).getUTCDay();
  if (weekday !== 0 && weekday !== 6)
    february2021.push({ date: `2021-02-${String(day).padStart(2, '0')}`, value: 20 + day / 100 });
}
const lateJanuary: Observation[] = [{ date: '2021-01-29', value: 19.9 }];

describe('monthly averages', () => {
  it('gives the month bounds, leap years included', () => {
    expect(monthBounds('2024-02')).toEqual({ first: '2024-02-01', last: '2024-02-29' });
    expect(monthBounds('2021-12')).toEqual({ first: '2021-12-01', last: '2021-12-31' });
  });

  it('averages the FIX of a finished month over its determination days', () => {
    const timeline = createFixTimeline(slice([...lateJanuary, ...february2021], '2021-01-18', '2021-02-28'));
    const average = monthlyAverage(timeline, '2021-02', 'fix');
    const expected = february2021.reduce((sum, entry) => sum + entry.value, 0) / february2021.length;
    expect(average).toEqual({
      month: '2021-02',
      kind: 'fix',
      average: Number(expected.toFixed(4)),
      observations: 19,
      firstDate: '2021-02-02',
      lastDate: '2021-02-26',
      provisional: false,
    });
  });

  it('averages the DOF publications, which start from the last FIX of the month before', () => {
    const timeline = createFixTimeline(slice([...lateJanuary, ...february2021], '2021-01-18', '2021-02-28'));
    const average = monthlyAverage(timeline, '2021-02', 'dof');
    // The 19 publications print the FIX of 29/01 and of 02/02 … 25/02.
    const printed = [19.9, ...february2021.slice(0, -1).map((entry) => entry.value)];
    expect(average).toMatchObject({
      observations: 19,
      firstDate: '2021-02-02',
      lastDate: '2021-02-26',
      average: Number((printed.reduce((sum, value) => sum + value, 0) / 19).toFixed(4)),
    });
  });

  it('is provisional while the month is not over in the data', async () => {
    const timeline = createFixTimeline(
      await memoryHistoryReader(pageHistory()).series('SF43718', '2020-10-18', '2020-11-15'),
    );
    // Only what the page capture covers: 09–13/11/2020.
    expect(monthlyAverage(timeline, '2020-11', 'fix')).toEqual({
      month: '2020-11',
      kind: 'fix',
      average: 20.4705,
      observations: 5,
      firstDate: '2020-11-09',
      lastDate: '2020-11-13',
      provisional: true,
    });
  });

  it('answers nothing for a month without observations', () => {
    const timeline = createFixTimeline(slice(february2021, '2021-02-01', '2021-02-28'));
    expect(monthlyAverage(timeline, '2021-01', 'fix')).toBeUndefined();
  });
});
