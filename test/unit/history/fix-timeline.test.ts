import { describe, expect, it } from 'vitest';
import { createFixTimeline } from '../../../lib/history/fix-timeline.js';
import type { SeriesSlice } from '../../../lib/history/types.js';
import {
  memoryHistoryReader,
  pageHistory,
  SIE_SF60653_OPORTUNO,
  sieCaptureObservations,
  sieHistory,
} from '../../helpers/capture-history.js';

async function timelineOf(history: ReturnType<typeof sieHistory>, from: string, to: string) {
  return createFixTimeline(await memoryHistoryReader(history).series('SF43718', from, to));
}

describe('the FIX timeline on the SIE range capture (26–27/11/2020)', () => {
  it('gives FIX(2020-11-27) = 20.0777 as its own, final value', async () => {
    const timeline = await timelineOf(sieHistory(), '2020-11-13', '2020-11-27');
    expect(timeline.fixOn('2020-11-27')).toEqual({
      value: 20.0777,
      date: '2020-11-27',
      final: true,
      fixDate: '2020-11-27',
    });
  });

  it('derives DOF(2020-11-27) = FIX(2020-11-26) = 20.0467', async () => {
    const timeline = await timelineOf(sieHistory(), '2020-11-13', '2020-11-27');
    expect(timeline.dofOn('2020-11-27')).toEqual({
      value: 20.0467,
      date: '2020-11-27',
      final: true,
      fixDate: '2020-11-26',
      dofDate: '2020-11-27',
    });
  });

  it('derives para pagos(2020-12-01) = FIX(2020-11-27), the value SIE gives SF60653 on 2020-12-01', async () => {
    const timeline = await timelineOf(sieHistory(), '2020-11-17', '2020-12-01');
    const [sf60653] = sieCaptureObservations(SIE_SF60653_OPORTUNO);
    const paraPagos = timeline.paraPagosOn('2020-12-01');
    expect(sf60653).toEqual({ date: '2020-12-01', value: 20.0777 });
    expect(paraPagos).toMatchObject({
      value: 20.0777,
      date: '2020-12-01',
      fixDate: '2020-11-27',
      dofDate: '2020-11-30',
    });
    // 28/11 … 30/11 are after the data (forecast by the calendar): not final yet.
    expect(paraPagos?.final).toBe(false);
  });

  it('answers nothing where the observations do not reach (DOF of the first covered day)', async () => {
    const timeline = await timelineOf(sieHistory(), '2020-11-13', '2020-11-27');
    expect(timeline.dofOn('2020-11-26')).toBeUndefined();
    expect(timeline.paraPagosOn('2020-11-27')).toBeUndefined();
  });
});

describe('days without a value of their own, on the 2020 page capture', () => {
  it('answers a Saturday with the Friday values and applies_since', async () => {
    const timeline = await timelineOf(pageHistory(), '2020-10-31', '2020-11-14');
    expect(timeline.fixOn('2020-11-14')).toEqual({
      value: 20.4833,
      date: '2020-11-13',
      appliesSince: '2020-11-13',
      final: true,
      fixDate: '2020-11-13',
    });
    expect(timeline.dofOn('2020-11-14')).toMatchObject({
      value: 20.5303,
      date: '2020-11-13',
      appliesSince: '2020-11-13',
    });
    // The page shows 20.5303 para pagos on Saturday: DOF of the previous banking day, its own value.
    expect(timeline.paraPagosOn('2020-11-14')).toMatchObject({ value: 20.5303, date: '2020-11-14' });
    expect(timeline.paraPagosOn('2020-11-14')?.appliesSince).toBeUndefined();
  });

  it('answers the 2020-11-16 bank holiday with the last values, final once the data shows no FIX that day', async () => {
    // 2020-11-16 was Revolution Day, a bank holiday: SF43718 has no row for it.
    const timeline = await timelineOf(pageHistory('2020-11-16'), '2020-11-02', '2020-11-16');
    expect(timeline.isBankingDay('2020-11-16')).toBe(false);
    expect(timeline.fixOn('2020-11-16')).toMatchObject({
      value: 20.4833,
      appliesSince: '2020-11-13',
      final: true,
    });
    expect(timeline.dofOn('2020-11-16')).toMatchObject({
      value: 20.5303,
      appliesSince: '2020-11-13',
      final: true,
    });
    expect(timeline.paraPagosOn('2020-11-16')).toMatchObject({
      value: 20.5303,
      dofDate: '2020-11-13',
      final: true,
    });
  });

  it('forecasts the holiday by the calendar, not final, while the data stops before it', async () => {
    const timeline = await timelineOf(pageHistory('2020-11-15'), '2020-11-02', '2020-11-16');
    expect(timeline.fixOn('2020-11-16')).toMatchObject({
      value: 20.4833,
      appliesSince: '2020-11-13',
      final: false,
    });
    expect(timeline.dofOn('2020-11-16')).toMatchObject({ appliesSince: '2020-11-13', final: false });
  });
});

describe('banking days come from the data for past dates', () => {
  const slice = (observations: SeriesSlice['observations'], finalThrough: string): SeriesSlice => ({
    series: 'SF43718',
    from: '2020-11-09',
    to: '2020-11-13',
    observations,
    finalThrough,
    source: 'test',
    fetchedAt: 0,
  });

  it('treats a weekday without an observation as a day without FIX, whatever the calendar says', () => {
    const timeline = createFixTimeline(
      slice(
        [
          { date: '2020-11-10', value: 20.4018 },
          { date: '2020-11-11', value: 20.5772 },
          { date: '2020-11-13', value: 20.4833 },
        ],
        '2020-11-13',
      ),
    );
    expect(timeline.isBankingDay('2020-11-12')).toBe(false);
    expect(timeline.dofOn('2020-11-13')).toMatchObject({ value: 20.5772, fixDate: '2020-11-11' });
  });

  it('answers the FIX of today before 12:00 with yesterday’s, not final', () => {
    const timeline = createFixTimeline(slice([{ date: '2020-11-12', value: 20.5303 }], '2020-11-12'));
    expect(timeline.fixOn('2020-11-13')).toEqual({
      value: 20.5303,
      date: '2020-11-12',
      appliesSince: '2020-11-12',
      final: false,
      fixDate: '2020-11-12',
    });
  });

  it('refuses a slice of another series', () => {
    expect(() => createFixTimeline({ ...slice([], '2020-11-13'), series: 'SF60653' })).toThrow(RangeError);
  });
});
