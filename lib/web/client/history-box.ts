import type uPlot from 'uplot';
import { failureOf, getAuthorized } from './api.js';
import type { BoxHooks } from './box-hooks.js';
import { drawChart } from './chart.js';
import { byId, el } from './dom.js';
import { daysBefore, formatShortDay, mexicoCityToday } from './format.js';
import { messageFor } from './messages.js';
import { isPageError, PageError } from './page-error.js';
import { readJson } from './session.js';
import { HISTORY_SERIES, type History, readHistory } from './types.js';

/**
 * The 30-day box: on demand (each load is one request of the quota), the chart of the 30
 * calendar days ending on the report's date, and the CSV of exactly that range
 * (GET /v1/rates/history?from=&to=, JSON for the chart and `format=csv` for the file).
 */
export const CHART_DAYS = 30;

/** The range shown: the 30 calendar days that end on `to`. */
const rangeEnding = (to: string) => ({ from: daysBefore(to, CHART_DAYS - 1), to });

function findBox() {
  return {
    title: byId('history-title'),
    show: byId('history-show', HTMLButtonElement),
    csv: byId('csv-download', HTMLButtonElement),
    status: byId('history-status'),
    chart: byId('chart'),
  };
}
type Box = ReturnType<typeof findBox>;

async function fetchHistory(range: { from: string; to: string }, format: 'json' | 'csv', hooks: BoxHooks) {
  const query = new URLSearchParams({ ...range, ...(format === 'csv' ? { format } : {}) });
  const response = await getAuthorized(
    `v1/rates/history?${query}`,
    format === 'csv' ? 'text/csv' : 'application/json',
  );
  hooks.observe(response);
  if (response.status !== 200) throw await failureOf(response);
  return response;
}

/** Saves `text` as a file named `name`, through a same-page blob link (no navigation, no server round trip). */
function saveFile(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `attachment; filename="tipo-de-cambio_FROM_TO.csv"` → the name; our own name when absent. */
function fileNameOf(response: Response, range: { from: string; to: string }): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '');
  return match?.[1] ?? `tipo-de-cambio_${range.from}_${range.to}.csv`;
}

/** True when some day of the range has some value (of any series). */
const hasAnyValue = (history: History): boolean =>
  history.rows.some((row) => HISTORY_SERIES.some((series) => row[series] !== null));

class HistoryBox {
  private chart: uPlot | undefined;
  private range: { from: string; to: string } | undefined;
  private busy = false;

  constructor(
    private readonly box: Box,
    private readonly hooks: BoxHooks,
  ) {}

  /** Runs one request at a time, and turns a failure into words in the box (or a sign-out). */
  private async guarded(task: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.box.chart.setAttribute('aria-busy', 'true');
    try {
      await task();
    } catch (error) {
      if (isPageError(error, 'expired', 'wrong-api-key', 'bad-credentials'))
        this.hooks.onCredentialFailure(error);
      else this.box.status.textContent = messageFor(error);
    } finally {
      this.busy = false;
      this.box.chart.setAttribute('aria-busy', 'false');
    }
  }

  load(): Promise<void> {
    return this.guarded(async () => {
      const range = rangeEnding(this.hooks.date() ?? mexicoCityToday());
      this.box.status.textContent = 'Consultando…';
      const history = readHistory(await readJson(await fetchHistory(range, 'json', this.hooks)));
      if (history === undefined) throw new PageError('server');
      this.range = range;
      this.box.title.textContent = `Del ${formatShortDay(range.from)} al ${formatShortDay(range.to)}`;
      this.chart?.destroy();
      this.chart = undefined;
      if (!hasAnyValue(history)) {
        // Nothing to draw nor to download: said, instead of an empty chart.
        this.box.chart.replaceChildren();
        this.box.status.textContent = 'No hay valores para este periodo; elige otra fecha.';
        this.box.csv.hidden = true;
        return;
      }
      this.chart = drawChart(this.box.chart, history);
      this.box.status.textContent = '';
      this.box.csv.hidden = false;
    });
  }

  download(): Promise<void> {
    const range = this.range;
    if (range === undefined) return Promise.resolve();
    return this.guarded(async () => {
      const response = await fetchHistory(range, 'csv', this.hooks);
      saveFile(await response.text(), fileNameOf(response, range));
    });
  }

  resize(): void {
    this.chart?.setSize({ width: Math.max(280, this.box.chart.clientWidth), height: 280 });
  }

  clear(): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.range = undefined;
    this.box.chart.replaceChildren();
    this.box.status.textContent = '';
    this.box.title.textContent = `Últimos ${CHART_DAYS} días`;
    this.box.csv.hidden = true;
  }

  /** After the report's date changed: redraw for the new range if the chart is shown. */
  dateChanged(): void {
    if (this.range !== undefined) void this.load();
  }
}

/** Wires the 30-day box. */
export function setUpHistory(hooks: BoxHooks): { clear: () => void; dateChanged: () => void } {
  const box = findBox();
  const history = new HistoryBox(box, hooks);
  box.show.addEventListener('click', () => void history.load());
  box.csv.addEventListener('click', () => void history.download());
  window.addEventListener('resize', () => history.resize());
  return { clear: () => history.clear(), dateChanged: () => history.dateChanged() };
}
