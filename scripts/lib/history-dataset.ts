import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isBankingDay, previousBankingDay } from '../../lib/core/banking-calendar.js';
import { addDays, isIsoDate } from '../../lib/core/mexico-time.js';
import { roundHalfUp } from '../../lib/core/plausibility.js';
import { SIE_HISTORY_SERIES, type SieSeriesId } from '../../lib/history/types.js';
import { parseSieObservations } from '../../lib/providers/banxico.js';
import { parseDofPage } from '../../lib/providers/dof.js';

/**
 * What the replay server answers for SIE ranges and Fixer's historical endpoint.
 *
 * The default (`loadCapturedHistory`) holds only real values: the SIE captures in
 * ../shared/upstream-captures (SF43718 26–27/11/2020 and its oportuno, SF60653 26–27/11/2020
 * and its oportuno of 01/12/2020) and the FIX column of the 2020 DOF page capture
 * (09–13/11/2020). It has no Fixer day: no historical Fixer answer was ever captured.
 * A test or the sandbox may pass a synthetic dataset instead (`syntheticHistory`, or a JSON
 * file with `"synthetic": true`); its name says so wherever it is shown.
 */
export interface HistoryDataset {
  /** Shown by the replay server; a synthetic dataset's name starts with "synthetic". */
  name: string;
  synthetic: boolean;
  /** Per series, value by date (YYYY-MM-DD → MXN per USD). */
  sie: Readonly<Record<SieSeriesId, Readonly<Record<string, number>>>>;
  /** Fixer's EUR-based answer by date. */
  fixer: Readonly<Record<string, FixerHistoricalDay>>;
}

export interface FixerHistoricalDay {
  /** Unix seconds, as Fixer's `timestamp`. */
  timestamp: number;
  /** EUR→USD and EUR→MXN. */
  USD: number;
  MXN: number;
}

const CAPTURED_SIE_FILES: ReadonlyArray<[SieSeriesId, string]> = [
  ['SF43718', 'banxico-sie_SF43718_range_2020-11-26_2020-11-27.json'],
  ['SF43718', 'banxico-sie_SF43718_oportuno_2020-11-27.json'],
  ['SF60653', 'banxico-sie_SF60653_range_2020-11-26_2020-11-27.json'],
  ['SF60653', 'banxico-sie_SF60653_oportuno_asof-2020-11-29.json'],
];
const CAPTURED_DOF_PAGE = 'banxico_tipCamMIAction_browser-saved_2020-11-15_windows-1252.html';

function put(target: Record<string, number>, date: string, value: number, origin: string): void {
  const existing = target[date];
  if (existing !== undefined && existing !== value) {
    throw new Error(`history dataset: ${origin} gives ${value} for ${date}, another capture ${existing}`);
  }
  target[date] = value;
}

/** The real captured values only (see above); two captures disagreeing on a date is an error. */
export async function loadCapturedHistory(capturesDir: string): Promise<HistoryDataset> {
  const sie: Record<SieSeriesId, Record<string, number>> = { SF43718: {}, SF60653: {} };
  for (const [series, file] of CAPTURED_SIE_FILES) {
    const body = await readFile(path.join(capturesDir, file));
    for (const { date, value } of parseSieObservations(body, 'application/json', series)) {
      if (value !== undefined) put(sie[series], date, value, file);
    }
  }
  const page = await readFile(path.join(capturesDir, CAPTURED_DOF_PAGE));
  // The page's FIX column is SF43718 by determination date (UPSTREAMS.md).
  for (const [date, value] of Object.entries(parseDofPage(page, 'text/html').fixByDate ?? {})) {
    put(sie.SF43718, date, value, CAPTURED_DOF_PAGE);
  }
  return {
    name: 'captured (real SIE and DOF page captures, November 2020)',
    synthetic: false,
    sie,
    fixer: {},
  };
}

/**
 * Made-up values for every computed banking day of [from, to] (FIX), SF60653 as the FIX
 * two banking days earlier (settlement date), and a Fixer day for every calendar day near
 * the FIX. Deterministic, plausible (16–20 MXN per USD), and never a real rate.
 */
export function syntheticHistory(from: string, to: string, name = `synthetic ${from}…${to}`): HistoryDataset {
  if (!isIsoDate(from) || !isIsoDate(to) || from > to)
    throw new RangeError('syntheticHistory: from ≤ to, YYYY-MM-DD');
  if (!name.startsWith('synthetic')) throw new RangeError('a synthetic dataset is named "synthetic…"');
  const fix: Record<string, number> = {};
  const settlement: Record<string, number> = {};
  const fixer: Record<string, FixerHistoricalDay> = {};
  const valueOn = (date: string) => {
    const day = Date.parse(`${date}T00:00:00Z`) / 86_400_000;
    return roundHalfUp(18 + 2 * Math.sin(day / 37), 4);
  };
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const value = valueOn(date);
    if (isBankingDay(date)) {
      fix[date] = value;
      settlement[date] = valueOn(previousBankingDay(previousBankingDay(date)));
    }
    const usd = 1.1;
    fixer[date] = {
      timestamp: Date.parse(`${date}T23:59:59Z`) / 1000,
      USD: usd,
      MXN: roundHalfUp((value + 0.05) * usd, 6),
    };
  }
  return { name, synthetic: true, sie: { SF43718: fix, SF60653: settlement }, fixer };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readValues(input: unknown, where: string): Record<string, number> {
  if (!isRecord(input)) throw new Error(`${where} must be an object of date → number`);
  const values: Record<string, number> = {};
  for (const [date, value] of Object.entries(input)) {
    if (!isIsoDate(date) || typeof value !== 'number' || !Number.isFinite(value))
      throw new Error(`${where}: "${date}" must be a YYYY-MM-DD date with a number`);
    values[date] = value;
  }
  return values;
}

function readFixerDays(input: unknown): Record<string, FixerHistoricalDay> {
  if (input === undefined) return {};
  if (!isRecord(input)) throw new Error('fixer must be an object of date → {timestamp, USD, MXN}');
  const days: Record<string, FixerHistoricalDay> = {};
  for (const [date, day] of Object.entries(input)) {
    if (
      !isIsoDate(date) ||
      !isRecord(day) ||
      typeof day.timestamp !== 'number' ||
      typeof day.USD !== 'number' ||
      typeof day.MXN !== 'number'
    )
      throw new Error(`fixer: "${date}" must be a YYYY-MM-DD date with {timestamp, USD, MXN}`);
    days[date] = { timestamp: day.timestamp, USD: day.USD, MXN: day.MXN };
  }
  return days;
}

/**
 * A dataset file (JSON: `{"name","synthetic":true,"sie":{"SF43718":{date:value},…},"fixer":{…}}`).
 * Only synthetic datasets are read from files: real values come from the captures.
 */
export async function readHistoryDatasetFile(file: string): Promise<HistoryDataset> {
  const json: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (
    !isRecord(json) ||
    json.synthetic !== true ||
    typeof json.name !== 'string' ||
    !json.name.startsWith('synthetic')
  )
    throw new Error(
      `${file}: a dataset file must say "synthetic": true and have a name starting with "synthetic"`,
    );
  const sie = isRecord(json.sie) ? json.sie : {};
  const [fix, settlement] = SIE_HISTORY_SERIES.map((series) =>
    readValues(sie[series] ?? {}, `sie.${series}`),
  );
  return {
    name: json.name,
    synthetic: true,
    sie: { SF43718: fix ?? {}, SF60653: settlement ?? {} },
    fixer: readFixerDays(json.fixer),
  };
}
