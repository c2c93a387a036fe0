/**
 * The one rate a conversion uses (issue 16, `/v1/convert`), for a kind and an optional
 * Mexico City date (today when absent), with the rule it follows. FIX, DOF, para pagos
 * and fiscal come from the SF43718 rules (lib/history/fix-timeline.ts, fiscal.ts);
 * `market` is Fixer: its historical endpoint for a past date, today's cached rate
 * otherwise (`marketToday`, wired by the caller). Errors: ProviderError (the reader's,
 * `before_history`, `not_published`).
 */
import { mexicoCityDate } from '../core/mexico-time.js';
import { ProviderError } from '../core/provider-error.js';
import { FIXER_FIRST_DATE } from './coverage.js';
import { PARA_PAGOS_RULE, rateUnderRule } from './fiscal.js';
import { type AppliedValue, appliedProvenance } from './fix-timeline.js';
import { noValueError, readFixTimeline } from './timeline-reader.js';
import type { HistoryReader } from './types.js';

export const CONVERSION_KINDS = ['fix', 'dof', 'para_pagos', 'fiscal', 'market'] as const;
export type ConversionKind = (typeof CONVERSION_KINDS)[number];

export interface ConversionRate {
  kind: ConversionKind;
  /** MXN per 1 USD. */
  value: number;
  /** The value's own date (FIX determination, DOF publication, para-pagos day, Fixer's date). */
  date: string;
  /** Only when the requested day had no value of its own. */
  applies_since?: string;
  rule: string;
  source: string;
  provenance: Readonly<Record<string, string | number>>;
  /** Only on today's cached rates: the rates routes' `stale` (served after freshness ran out or a failed refresh). */
  stale?: boolean;
}

export interface ConversionDeps {
  reader: HistoryReader;
  /** Today's Mexico City date. */
  today: () => string;
  /** Today's market rate (the live, cached Fixer rate). */
  marketToday: () => Promise<ConversionRate>;
}

export const FIX_RULE = 'FIX(D): Banxico SF43718 determined on D; on a day without one, the latest before D';
export const DOF_RULE =
  'DOF(D) = FIX(previous banking day); on a day without publication, the latest before D';
export const MARKET_RULE = 'Fixer market mid-rate for D: MXN per USD crossed from its EUR rates';

function fromApplied(
  kind: ConversionKind,
  applied: AppliedValue,
  rule: string,
  source: string,
  requested: string,
): ConversionRate {
  return {
    kind,
    value: applied.value,
    date: applied.date,
    ...(applied.appliesSince === undefined ? {} : { applies_since: applied.appliesSince }),
    rule,
    source,
    provenance: appliedProvenance(applied, requested),
  };
}

async function marketOn(deps: ConversionDeps, date: string): Promise<ConversionRate> {
  if (date < FIXER_FIRST_DATE) {
    throw new ProviderError('before_history', `Fixer's history starts on ${FIXER_FIRST_DATE}.`);
  }
  const day = await deps.reader.fixerOn(date);
  return {
    kind: 'market',
    value: day.value,
    date: day.date,
    ...(day.date === date ? {} : { applies_since: day.date }),
    rule: MARKET_RULE,
    source: 'Fixer — historical endpoint',
    provenance: day.provenance,
  };
}

export function createRateForConversion(deps: ConversionDeps) {
  return async (kind: ConversionKind, date: string | undefined): Promise<ConversionRate> => {
    const today = deps.today();
    if (kind === 'market')
      return date === undefined || date >= today ? deps.marketToday() : marketOn(deps, date);
    const day = date ?? today;
    const { timeline, slice } = await readFixTimeline(deps.reader, day, day);
    if (kind === 'fiscal') {
      const rate = rateUnderRule(timeline, day, 'fiscal');
      if (rate === undefined) throw noValueError(timeline, day, 'the fiscal rate');
      return {
        kind,
        value: rate.value,
        date: rate.dofDate,
        rule: rate.rule,
        source: `DOF publication derived from ${slice.source}`,
        provenance: {
          series_id: 'SF43718',
          requested_date: day,
          fix_date: rate.fixDate,
          dof_date: rate.dofDate,
        },
      };
    }
    const applied =
      kind === 'fix' ? timeline.fixOn(day) : kind === 'dof' ? timeline.dofOn(day) : timeline.paraPagosOn(day);
    if (applied === undefined)
      throw noValueError(
        timeline,
        day,
        kind === 'fix' ? 'the FIX' : kind === 'dof' ? 'the DOF publication' : 'para pagos',
      );
    const rule = kind === 'fix' ? FIX_RULE : kind === 'dof' ? DOF_RULE : PARA_PAGOS_RULE;
    return fromApplied(kind, applied, rule, slice.source, day);
  };
}

/**
 * Today's market rate from the live rates service (the cached Fixer `latest`, refreshed
 * under its own budget). Loaded on first use: the history code does not otherwise depend
 * on the live rates.
 */
async function cachedMarketToday(): Promise<ConversionRate> {
  const { getRateService } = await import('../rates/service-wiring.js');
  const [outcome] = await getRateService().getSources(['fixer']);
  const rate = outcome?.value?.parsed.rates.find((candidate) => candidate.key === 'fixer');
  if (rate === undefined) {
    const error = outcome?.error;
    throw new ProviderError(error?.code ?? 'upstream_error', error?.message ?? 'No Fixer rate is available');
  }
  return {
    kind: 'market',
    value: rate.value,
    date: rate.date,
    rule: MARKET_RULE,
    source: rate.source,
    provenance: rate.provenance,
  };
}

let defaultRateForConversion: ReturnType<typeof createRateForConversion> | undefined;

/** The deployed wiring: the instance's HistoryReader, Mexico City's today, the cached Fixer rate. */
export async function rateForConversion(
  kind: ConversionKind,
  date: string | undefined,
): Promise<ConversionRate> {
  if (defaultRateForConversion === undefined) {
    const { getHistoryReader } = await import('./reader-wiring.js');
    defaultRateForConversion = createRateForConversion({
      reader: getHistoryReader(),
      today: () => mexicoCityDate(new Date()),
      marketToday: cachedMarketToday,
    });
  }
  return defaultRateForConversion(kind, date);
}
