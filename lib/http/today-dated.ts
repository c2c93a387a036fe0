/**
 * `GET /v1/rates?date=<today in Mexico City>`: the dated answer for today uses the live
 * cached rates (the very values the undated /v1/rates serves, read through the same rate
 * service: no call of its own) for every source whose live value applies today, marked
 * `final: false`. Without this, Fixer answered `not_published` for today (its historical
 * endpoint only has UTC days that are over) while the undated answer served today's rate.
 *
 * Which live values apply today: Fixer's (the market rate now, whatever UTC day it is
 * labelled with); the Banxico page's DOF publication and para pagos when its newest row is
 * today; SIE's FIX and SF60653 when their date is today (before 12:00 the live FIX is
 * yesterday's, and the dated rules already answer it with `applies_since`).
 */
import { ProviderError } from '../core/provider-error.js';
import { RATE_KEYS, type RateKey, type SourceId } from '../core/rate.js';
import type { DatedRate, DatedRatesAnswer } from '../history/dated-rates.js';
import type { HistoryReader } from '../history/types.js';
import type { ApiRate, RatesBody } from '../rates/envelope.js';

/** The rate keys each source contributes; a source is taken live with all of them or not at all. */
const KEYS_OF: Readonly<Record<SourceId, readonly RateKey[]>> = {
  dof: ['dof', 'dof_para_pagos'],
  banxico: ['banxico', 'banxico_para_pagos'],
  fixer: ['fixer'],
};

function appliesToday(key: RateKey, rate: ApiRate, today: string): boolean {
  return key === 'fixer' || rate.date === today;
}

function asDated(rate: ApiRate, today: string): DatedRate {
  return {
    value: rate.value,
    date: rate.date,
    ...(rate.date < today ? { applies_since: rate.date } : {}),
    final: false,
    last_updated: rate.last_updated,
    kind: rate.kind,
    source: rate.source,
    fetched_at: rate.fetched_at,
    provenance: { ...rate.provenance, requested_date: today, live: 'the cached rate of GET /v1/rates' },
  };
}

/** The live rates of `source` that apply today, or undefined when it has none (or only part). */
function liveOf(
  source: SourceId,
  live: RatesBody,
  today: string,
): Partial<Record<RateKey, DatedRate>> | undefined {
  const rates: Partial<Record<RateKey, DatedRate>> = {};
  for (const key of KEYS_OF[source]) {
    const rate = live.rates[key];
    if (rate !== undefined && appliesToday(key, rate, today)) rates[key] = asDated(rate, today);
  }
  const found = Object.keys(rates).length;
  // SF60653 may legitimately lack today (its latest value is dated in the future): the FIX alone is enough.
  const needed = source === 'banxico' ? 1 : KEYS_OF[source].length;
  if (source === 'banxico' && rates.banxico === undefined) return undefined;
  return found >= needed ? rates : undefined;
}

/** The dated answer for today with the live rates put in; not immutable once any is live. */
export function withLiveRates(
  answer: DatedRatesAnswer,
  live: RatesBody,
  sources: readonly SourceId[],
  today: string,
): DatedRatesAnswer {
  const { body } = answer;
  if (body.date !== today) return answer;
  const rates = { ...body.rates };
  const errors = { ...body.errors };
  const rateErrors = { ...body.rate_errors };
  let changed = false;
  for (const source of sources) {
    const taken = liveOf(source, live, today);
    if (taken === undefined) continue;
    for (const key of KEYS_OF[source]) {
      delete rates[key];
      delete rateErrors[key];
    }
    Object.assign(rates, taken);
    delete errors[source];
    changed = true;
  }
  if (!changed) return answer;
  const ordered: Partial<Record<RateKey, DatedRate>> = {};
  for (const key of RATE_KEYS) {
    const rate = rates[key];
    if (rate !== undefined) ordered[key] = rate;
  }
  const { consistency, rate_errors: _replaced, ...head } = body;
  const partial = Object.keys(rateErrors).length === 0 ? {} : { rate_errors: rateErrors };
  return { body: { ...head, rates: ordered, errors, ...partial, consistency }, immutable: false };
}

/**
 * The history reader for today's dated answer: Fixer's value for today is the live one
 * (withLiveRates puts it in), so its historical endpoint is never asked for today. Without
 * this, once the UTC day of the Mexico City date was over (18:00–24:00 Mexico City), each
 * `?date=<today>` spent a call of the monthly Fixer budget on a value it then replaced.
 * Throws ProviderError `not_published` for Fixer on `today`; other dates go to `reader`.
 */
export function withoutHistoricalFixerOn(reader: HistoryReader, today: string): HistoryReader {
  return {
    ...reader,
    fixerOn: (date) =>
      date === today
        ? Promise.reject(
            new ProviderError(
              'not_published',
              `Fixer's rate for ${today} is the live one; it is not available now.`,
            ),
          )
        : reader.fixerOn(date),
  };
}
