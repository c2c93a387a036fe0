/**
 * GET /v1/rates[/source]?date=D: every source as it applies on the Mexico City date D
 * (issue 15 item 1; PLAN.md "Routes"). FIX from SF43718; DOF and para pagos derived by
 * DOF(D) = FIX(previous banking day) and para pagos(D) = DOF(previous banking day)
 * (lib/history/fix-timeline.ts); SF60653 for the para-pagos cross-check; Fixer from its
 * historical endpoint. A source that fails is in `errors` with its ProviderError code
 * (`before_history` before its first date); any other error propagates.
 */
import { mexicoCityInstant } from '../core/mexico-time.js';
import { ProviderError, type ProviderErrorCode } from '../core/provider-error.js';
import { RATE_KEYS, type RateKey, type RateKind, type SourceId } from '../core/rate.js';
import {
  buildDatedConsistency,
  type ConsistencyBlock,
  type DatedSide,
  type Unchecked,
} from './consistency.js';
import { FIXER_FIRST_DATE } from './coverage.js';
import { type AppliedValue, appliedProvenance } from './fix-timeline.js';
import { noValueError, readFixTimeline, type TimelineRead } from './timeline-reader.js';
import type { FixerDay, HistoryReader, SeriesSlice } from './types.js';

/** One rate of a dated answer: today's rate shape without the freshness fields, plus `final`. */
export interface DatedRate {
  value: number;
  date: string;
  applies_since?: string;
  final: boolean;
  last_updated: string;
  kind: RateKind;
  source: string;
  fetched_at: string;
  provenance: Readonly<Record<string, string | number>>;
}

export interface DatedSourceError {
  code: ProviderErrorCode;
  message: string;
}

export interface DatedRatesBody {
  base: 'USD';
  quote: 'MXN';
  date: string;
  rates: Partial<Record<RateKey, DatedRate>>;
  errors: Partial<Record<SourceId, DatedSourceError>>;
  /**
   * A rate missing from a source that serves its other rate (the DOF source: `dof` or
   * `dof_para_pagos`), keyed by rate; present only when not empty. A source that serves
   * nothing is in `errors` instead.
   */
  rate_errors?: Partial<Record<RateKey, DatedSourceError>>;
  consistency: ConsistencyBlock;
}

export interface DatedRatesAnswer {
  body: DatedRatesBody;
  /** Every rate is final and no error can go away with time (only `before_history`). */
  immutable: boolean;
}

type Outcome<T> = { ok: T } | { error: DatedSourceError };

async function settle<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: await work() };
  } catch (error) {
    if (error instanceof ProviderError) return { error: { code: error.code, message: error.message } };
    throw error;
  }
}

/** How a message names each derived rate. */
const RATE_NAMES = { fix: 'the FIX', dof: 'the DOF publication', para_pagos: 'para pagos' } as const;

function derivedRate(
  applied: AppliedValue,
  kind: 'fix' | 'dof' | 'para_pagos',
  slice: SeriesSlice,
  requested: string,
): DatedRate {
  const rule =
    kind === 'dof'
      ? 'DOF(D) = FIX(previous banking day)'
      : kind === 'para_pagos'
        ? 'para pagos(D) = DOF(previous banking day)'
        : undefined;
  return {
    value: applied.value,
    date: applied.date,
    ...(applied.appliesSince === undefined ? {} : { applies_since: applied.appliesSince }),
    final: applied.final,
    // FIX is published from 12:00 Mexico City; the DOF issue and para pagos at 00:00 of their day.
    last_updated: mexicoCityInstant(applied.date, kind === 'fix' ? 12 : 0).toISOString(),
    kind,
    source: rule === undefined ? slice.source : `${rule}, from ${slice.source}`,
    fetched_at: new Date(slice.fetchedAt).toISOString(),
    provenance: { ...appliedProvenance(applied, requested), ...(rule === undefined ? {} : { rule }) },
  };
}

/**
 * SF60653 on D (the FIX keyed by settlement date, `banxico_para_pagos` as in today's answer):
 * only SIE's own value for D. It has none on non-banking days, and carrying an earlier one
 * forward would not be para pagos (SF60653 of Friday is Wednesday's FIX, para pagos of
 * Saturday is Thursday's), so then it is left out and `consistency` says why.
 */
function settlementRate(reads: Reads, date: string): DatedRate | undefined {
  const { sf60653 } = reads;
  if (sf60653 === undefined || 'error' in sf60653) return undefined;
  const observation = sf60653.ok.observations.find((entry) => entry.date === date);
  if (observation === undefined) return undefined;
  return {
    value: observation.value,
    date,
    final: true,
    last_updated: mexicoCityInstant(date, 0).toISOString(),
    kind: 'para_pagos',
    source: sf60653.ok.source,
    fetched_at: new Date(sf60653.ok.fetchedAt).toISOString(),
    provenance: { series_id: 'SF60653', requested_date: date },
  };
}

function fixerRate(day: FixerDay, requested: string, today: string): DatedRate {
  return {
    value: day.value,
    date: day.date,
    ...(day.date === requested ? {} : { applies_since: day.date }),
    final: requested < today,
    last_updated: day.lastUpdated,
    kind: 'market',
    source: 'Fixer — historical endpoint, MXN per USD crossed from its EUR rates',
    fetched_at: new Date(day.fetchedAt).toISOString(),
    provenance: day.provenance,
  };
}

interface Reads {
  fix?: Outcome<TimelineRead>;
  sf60653?: Outcome<SeriesSlice>;
  fixer?: Outcome<FixerDay>;
}

async function readSources(
  reader: HistoryReader,
  date: string,
  sources: readonly SourceId[],
): Promise<Reads> {
  const wantsFix = sources.includes('banxico') || sources.includes('dof');
  const [fix, sf60653, fixer] = await Promise.all([
    wantsFix ? settle(() => readFixTimeline(reader, date, date)) : undefined,
    // SF60653 checks para pagos (DOF source) and is the banxico source's second rate.
    sources.includes('dof') || sources.includes('banxico')
      ? settle(() => reader.series('SF60653', date, date))
      : undefined,
    sources.includes('fixer')
      ? settle(async () => {
          if (date < FIXER_FIRST_DATE) {
            throw new ProviderError('before_history', `Fixer's history starts on ${FIXER_FIRST_DATE}.`);
          }
          return reader.fixerOn(date);
        })
      : undefined,
  ]);
  return {
    ...(fix === undefined ? {} : { fix }),
    ...(sf60653 === undefined ? {} : { sf60653 }),
    ...(fixer === undefined ? {} : { fixer }),
  };
}

const side = (applied: AppliedValue | undefined, reason: string): DatedSide | Unchecked =>
  applied === undefined ? { reason } : { date: applied.date, value: applied.value };

function sf60653Side(reads: Reads, date: string): DatedSide | Unchecked {
  const { sf60653, fix } = reads;
  if (sf60653 === undefined) return { reason: 'SF60653 was not read' };
  if ('error' in sf60653) return { reason: `SF60653 not available: ${sf60653.error.message}` };
  if (fix !== undefined && 'ok' in fix && fix.ok.timeline.isBankingDay(date) === false) {
    return { reason: `${date} is not a banking day: SF60653 has no value for it` };
  }
  const observation = sf60653.ok.observations.find((entry) => entry.date === date);
  return observation ?? { reason: `SF60653 has no value for ${date}` };
}

/** Why a FIX-derived side of a check is missing, in words. */
function fixReason(reads: Reads, what: string, date: string): string {
  if (reads.fix === undefined) return 'FIX is not part of this route';
  if ('error' in reads.fix) return `FIX (SF43718) not available: ${reads.fix.error.message}`;
  return `SF43718 has no value from which ${what} for ${date} follows`;
}

function consistencyOf(reads: Reads, date: string): ConsistencyBlock {
  const timeline = reads.fix !== undefined && 'ok' in reads.fix ? reads.fix.ok.timeline : undefined;
  const dof = timeline?.dofOn(date);
  const fixer = reads.fixer;
  const notParaPagos = { reason: 'para pagos is not part of this route' };
  return buildDatedConsistency({
    dof: {
      reason:
        'no independent DOF value is stored for a past date: its DOF is derived from SF43718 by this rule',
    },
    fixForDof: side(
      dof === undefined ? undefined : timeline?.fixOn(dof.fixDate),
      fixReason(reads, 'the DOF publication', date),
    ),
    paraPagos:
      reads.sf60653 === undefined
        ? notParaPagos
        : side(timeline?.paraPagosOn(date), fixReason(reads, 'para pagos', date)),
    sf60653: reads.sf60653 === undefined ? notParaPagos : sf60653Side(reads, date),
    fixer:
      fixer === undefined
        ? { reason: 'Fixer is not part of this route' }
        : 'error' in fixer
          ? { reason: `Fixer not available: ${fixer.error.message}` }
          : { date: fixer.ok.date, value: fixer.ok.value },
    fix: side(timeline?.fixOn(date), fixReason(reads, 'the FIX', date)),
  });
}

type Rates = Partial<Record<RateKey, DatedRate>>;
type Errors = Partial<Record<SourceId, DatedSourceError>>;
type RateErrors = Partial<Record<RateKey, DatedSourceError>>;

/** The rates derived from SF43718 (DOF source: dof and para pagos; banxico: the FIX), or their errors. */
function addDerivedRates(
  reads: Reads,
  date: string,
  sources: readonly SourceId[],
  rates: Rates,
  errors: Errors,
): RateErrors {
  const { fix } = reads;
  const missing: RateErrors = {};
  if (fix === undefined) return missing;
  const wanted: Array<[SourceId, RateKey, 'fix' | 'dof' | 'para_pagos']> = [
    ['dof', 'dof', 'dof'],
    ['dof', 'dof_para_pagos', 'para_pagos'],
    ['banxico', 'banxico', 'fix'],
  ];
  for (const [source, key, kind] of wanted.filter(([source]) => sources.includes(source))) {
    if ('error' in fix) {
      errors[source] = fix.error;
      continue;
    }
    const { timeline, slice } = fix.ok;
    const applied =
      kind === 'fix'
        ? timeline.fixOn(date)
        : kind === 'dof'
          ? timeline.dofOn(date)
          : timeline.paraPagosOn(date);
    if (applied === undefined) {
      const error = noValueError(timeline, date, RATE_NAMES[kind]);
      missing[key] = { code: error.code, message: error.message };
    } else rates[key] = derivedRate(applied, kind, slice, date);
  }
  return sourceErrorsOf(missing, rates, errors);
}

/**
 * Each DOF key is served on its own (DOF(D) may be known while para pagos(D) is not): a
 * missing key of a source that serves another stays in `rate_errors`; a source that serves
 * none is in `errors`, its message naming every missing rate.
 */
function sourceErrorsOf(missing: RateErrors, rates: Rates, errors: Errors): RateErrors {
  const partial: RateErrors = {};
  const bySource: Array<[SourceId, readonly RateKey[]]> = [
    ['dof', ['dof', 'dof_para_pagos']],
    ['banxico', ['banxico']],
  ];
  for (const [source, keys] of bySource) {
    const failed = keys.flatMap((key) => {
      const error = missing[key];
      return error === undefined ? [] : [[key, error] as const];
    });
    if (failed.length === 0) continue;
    if (keys.some((key) => rates[key] !== undefined)) {
      for (const [key, error] of failed) partial[key] = error;
      continue;
    }
    const first = failed[0]?.[1];
    if (first === undefined) continue;
    const code = failed.every(([, error]) => error.code === 'before_history') ? 'before_history' : first.code;
    errors[source] = { code, message: failed.map(([, error]) => error.message).join(' ') };
  }
  return partial;
}

/** The dated answer for `sources` on `date` (≤ `today`, both Mexico City dates). */
export async function answerDatedRates(
  reader: HistoryReader,
  date: string,
  sources: readonly SourceId[],
  today: string,
): Promise<DatedRatesAnswer> {
  const reads = await readSources(reader, date, sources);
  const rates: Rates = {};
  const errors: Errors = {};
  const rateErrors = addDerivedRates(reads, date, sources, rates, errors);
  const settlement =
    sources.includes('banxico') && rates.banxico !== undefined ? settlementRate(reads, date) : undefined;
  if (settlement !== undefined) rates.banxico_para_pagos = settlement;
  if (reads.fixer !== undefined) {
    if ('error' in reads.fixer) errors.fixer = reads.fixer.error;
    else rates.fixer = fixerRate(reads.fixer.ok, date, today);
  }
  // Keys in a stable order, so equal answers have equal bytes (and ETags).
  const ordered: Rates = {};
  for (const key of RATE_KEYS) {
    const rate = rates[key];
    if (rate !== undefined) ordered[key] = rate;
  }
  const immutable =
    Object.values(ordered).every((rate) => rate.final) &&
    [...Object.values(errors), ...Object.values(rateErrors)].every(
      (error) => error.code === 'before_history',
    );
  const consistency = consistencyOf(reads, date);
  const partial = Object.keys(rateErrors).length === 0 ? {} : { rate_errors: rateErrors };
  return {
    body: { base: 'USD', quote: 'MXN', date, rates: ordered, errors, ...partial, consistency },
    immutable,
  };
}
