import uPlot from 'uplot';
import { LOCALE, numberFormat } from './format.js';
import { RATE_NAMES } from './series.js';
import { HISTORY_SERIES, type History, type HistorySeries } from './types.js';

/**
 * The 30-day chart: uPlot (bundled into the page's one script, no CDN) draws the four series
 * of GET /v1/rates/history on a canvas, with a legend whose values follow the cursor.
 * Days are calendar days: x is the UTC midnight of each date, shown in UTC so no time zone
 * moves a point to the day before.
 */
const SERIES_STYLE: Record<HistorySeries, { label: string; stroke: string; dash?: number[] }> = {
  fix: { label: RATE_NAMES.banxico, stroke: '#0b5394' },
  dof: { label: RATE_NAMES.dof, stroke: '#b3261e', dash: [8, 4] },
  para_pagos: { label: RATE_NAMES.dof_para_pagos, stroke: '#2e7d32', dash: [2, 3] },
  fixer: { label: RATE_NAMES.fixer, stroke: '#6a1b9a' },
};

const DAY_S = 86_400;
const axisDay = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const legendDay = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' });
const toSeconds = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / 1000;

/** uPlot's aligned data: x (seconds), then one array per series, null where a day has no value. */
export function chartData(history: History): uPlot.AlignedData {
  return [
    history.rows.map((row) => toSeconds(row.date)),
    ...HISTORY_SERIES.map((series) => history.rows.map((row) => row[series])),
  ];
}

function chartOptions(width: number): uPlot.Options {
  return {
    width,
    height: 280,
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'UTC'),
    scales: { x: { time: true } },
    series: [
      {
        label: 'Fecha',
        value: (_u, seconds) => (seconds == null ? '—' : legendDay.format(new Date(seconds * 1000))),
      },
      ...HISTORY_SERIES.map((series) => ({
        label: SERIES_STYLE[series].label,
        stroke: SERIES_STYLE[series].stroke,
        width: 2,
        ...(SERIES_STYLE[series].dash === undefined ? {} : { dash: SERIES_STYLE[series].dash }),
        // Weekends and holidays have no value: the line goes on to the next day that has one.
        spanGaps: true,
        value: (_u: uPlot, value: number | null) => (value == null ? '—' : numberFormat.format(value)),
      })),
    ],
    axes: [
      {
        space: 60,
        incrs: [DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S],
        values: (_u, ticks) => ticks.map((seconds) => axisDay.format(new Date(seconds * 1000))),
      },
      { size: 60, values: (_u, ticks) => ticks.map((value) => value.toFixed(2)) },
    ],
  };
}

/** Draws the chart into `container` (replacing what was there); returns it for resizing. */
export function drawChart(container: HTMLElement, history: History): uPlot {
  container.replaceChildren();
  const width = Math.max(280, container.clientWidth);
  return new uPlot(chartOptions(width), chartData(history), container);
}
