/**
 * In-memory `HistoryReader`s filled from the real captures in ../shared/upstream-captures,
 * for the history rules' unit tests. Each reader covers one contiguous stretch of days (a
 * capture says nothing about the days around it), so a slice starts no earlier than
 * `coveredFrom`; `finalThrough` is what the capture shows as settled. Calls are counted.
 */
import { parseDdMmYyyy } from '../../lib/core/mexico-time.js';
import { ProviderError } from '../../lib/core/provider-error.js';
import type { PageRow } from '../../lib/history/page-check.js';
import type {
  FixerDay,
  HistoryReader,
  Observation,
  SeriesSlice,
  SieSeriesId,
} from '../../lib/history/types.js';
import { parseDofPageRows } from '../../lib/providers/dof.js';
import { DOF_CAPTURE, readCapture } from './upstream-files.js';

export interface SeriesData {
  observations: readonly Observation[];
  coveredFrom: string;
  finalThrough: string;
  source: string;
}

export interface MemoryHistory {
  series: Partial<Record<SieSeriesId, SeriesData>>;
  fixer?: readonly FixerDay[];
}

export interface CountingReader extends HistoryReader {
  calls: { series: Array<[SieSeriesId, string, string]>; fixerOn: string[]; storedFixer: number };
}

export function memoryHistoryReader(history: MemoryHistory): CountingReader {
  const calls: CountingReader['calls'] = { series: [], fixerOn: [], storedFixer: 0 };
  return {
    calls,
    async series(series, from, to): Promise<SeriesSlice> {
      calls.series.push([series, from, to]);
      const data = history.series[series];
      if (data === undefined) throw new ProviderError('not_configured', `${series} is not in this capture`);
      // ISO dates sort as text: the later of the two.
      const start = [from, data.coveredFrom].sort()[1] ?? from;
      return {
        series,
        from: start,
        to,
        observations: data.observations.filter((entry) => entry.date >= start && entry.date <= to),
        finalThrough: [data.finalThrough, to].sort()[0] ?? to,
        source: data.source,
        fetchedAt: Date.parse('2020-11-29T12:00:00Z'),
      };
    },
    async fixerOn(date) {
      calls.fixerOn.push(date);
      const day = history.fixer?.find((entry) => entry.date === date);
      if (day === undefined)
        throw new ProviderError('not_configured', `no Fixer value for ${date} in this capture`);
      return day;
    },
    async storedFixer(from, to) {
      calls.storedFixer += 1;
      return (history.fixer ?? []).filter((entry) => entry.date >= from && entry.date <= to);
    },
  };
}

/** A SIE JSON capture's observations, as SIE gives them. */
export function sieCaptureObservations(name: string): Observation[] {
  const body = JSON.parse(readCapture(name).toString('utf8')) as {
    bmx: { series: Array<{ datos?: Array<{ fecha: string; dato: string }> }> };
  };
  return (body.bmx.series[0]?.datos ?? []).map((entry) => {
    const date = parseDdMmYyyy(entry.fecha);
    if (date === undefined) throw new Error(`capture ${name} has a bad fecha ${entry.fecha}`);
    return { date, value: Number(entry.dato) };
  });
}

export const SIE_SF43718_RANGE = 'banxico-sie_SF43718_range_2020-11-26_2020-11-27.json';
export const SIE_SF60653_RANGE = 'banxico-sie_SF60653_range_2020-11-26_2020-11-27.json';
export const SIE_SF60653_OPORTUNO = 'banxico-sie_SF60653_oportuno_asof-2020-11-29.json';

/** The 2020 page's seven rows (09/11/2020 … 15/11/2020), oldest first. */
export function pageCaptureRows(): PageRow[] {
  return parseDofPageRows(readCapture(DOF_CAPTURE)).reverse();
}

/**
 * The page's FIX column as SF43718 observations (the page reprints SF43718): 09–13/11/2020,
 * settled through 15/11/2020 (the page shows N/E for the weekend). `finalThrough` may be
 * extended by a test that states why (2020-11-16 was a bank holiday: Revolution Day).
 */
export function pageHistory(finalThrough = '2020-11-15'): MemoryHistory {
  const observations = pageCaptureRows().flatMap((row) =>
    row.fix === undefined ? [] : [{ date: row.date, value: row.fix }],
  );
  return {
    series: {
      SF43718: {
        observations,
        coveredFrom: '2020-11-09',
        finalThrough,
        source: 'Banxico page capture (FIX column)',
      },
    },
  };
}

/**
 * The SIE captures: SF43718 26–27/11/2020 (range), SF60653 26–27/11/2020 (range) plus its
 * oportuno 01/12/2020 (SIE keys it by settlement date, in the future when captured).
 */
export function sieHistory(): MemoryHistory {
  return {
    series: {
      SF43718: {
        observations: sieCaptureObservations(SIE_SF43718_RANGE),
        coveredFrom: '2020-11-26',
        finalThrough: '2020-11-27',
        source: 'Banxico SIE — serie SF43718 (FIX)',
      },
      SF60653: {
        observations: [
          ...sieCaptureObservations(SIE_SF60653_RANGE),
          ...sieCaptureObservations(SIE_SF60653_OPORTUNO),
        ],
        coveredFrom: '2020-11-26',
        finalThrough: '2020-12-01',
        source: 'Banxico SIE — serie SF60653 (FIX por fecha de liquidación)',
      },
    },
  };
}
