import { addDays, previousBankingDay } from '../core/banking-calendar.js';
import { mexicoCityDate } from '../core/mexico-time.js';
import { ProviderError } from '../core/provider-error.js';
import type { ParsedRate, RateKey, SourceId } from '../core/rate.js';
import type { SourceOutcome } from '../rates/rate-service.js';
import { ConvertQueryError } from './query.js';
import type { ConversionKind, ConversionRate, RateForConversion } from './types.js';

/**
 * `rateForConversion` for today only, from the cached rates the /v1/rates routes serve
 * (lib/rates/rate-service.ts). Stands in, behind the same signature, for the dated version
 * (lib/history/rate-for-kind.ts, PLAN.md) until that exists; any other date is refused by name.
 */

/** The one-sentence rule each kind is picked by (README "Rate semantics"). */
export const KIND_RULES: Readonly<Record<Exclude<ConversionKind, 'fiscal'>, string>> = {
  fix: 'FIX(D): determined by Banxico on banking day D (SIE series SF43718), published from 12:00 Mexico City',
  dof: 'DOF(D) = FIX(previous banking day), as the DOF publishes it on D',
  para_pagos: 'para pagos(D) = DOF(previous banking day): the rate to pay USD obligations in Mexico on D',
  market: 'Fixer market mid-rate (MXN/USD of its EUR rates), independent of Banxico',
};

const RATE_OF_KIND: Readonly<Record<Exclude<ConversionKind, 'fiscal'>, [SourceId, RateKey]>> = {
  fix: ['banxico', 'banxico'],
  dof: ['dof', 'dof'],
  para_pagos: ['dof', 'dof_para_pagos'],
  market: ['fixer', 'fixer'],
};

export interface TodayRateDeps {
  /** The rates service's `getSources` (cached, stale-if-error). */
  getSources: (sources: readonly SourceId[]) => Promise<readonly SourceOutcome[]>;
  now: () => number;
}

function rateOf(outcome: SourceOutcome | undefined, key: RateKey): ParsedRate {
  const rate = outcome?.value?.parsed.rates.find((candidate) => candidate.key === key);
  if (rate !== undefined) return rate;
  const error = outcome?.error;
  throw new ProviderError(error?.code ?? 'not_published', error?.message ?? `The source has no ${key} rate`, {
    ...(error?.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
  });
}

function provenanceOf(rate: ParsedRate, outcome: SourceOutcome | undefined) {
  const fetchedAt = outcome?.value?.fetchedAt;
  return {
    ...rate.provenance,
    ...(fetchedAt === undefined ? {} : { fetched_at: new Date(fetchedAt).toISOString() }),
  };
}

/**
 * fiscal(D), CFF art. 20 third paragraph: the DOF publication with the latest publication
 * date strictly before D. The DOF page's newest publication is that one when it is dated
 * before today; when it is today's, the one before it is today's para pagos value
 * (para pagos(D) = DOF(previous banking day)), published on the previous banking day of the
 * computed calendar (a forecast, good for today: UPSTREAMS.md "Which days have values").
 */
function fiscalToday(outcome: SourceOutcome | undefined, today: string): ConversionRate {
  const dof = rateOf(outcome, 'dof');
  let publication: { value: number; date: string; from: ParsedRate };
  if (dof.date < today) {
    publication = { value: dof.value, date: dof.date, from: dof };
  } else {
    const paraPagos = rateOf(outcome, 'dof_para_pagos');
    if (paraPagos.date !== today)
      throw new ProviderError('not_published', 'The DOF page shows no publication before today');
    publication = { value: paraPagos.value, date: previousBankingDay(today), from: paraPagos };
  }
  const branch =
    publication.date === addDays(today, -1)
      ? 'the DOF publication of the day before (publicación del día anterior)'
      : 'the last DOF publication before that day (última publicación anterior)';
  return {
    kind: 'fiscal',
    value: publication.value,
    date: publication.date,
    rule: `fiscal(D), CFF art. 20 third paragraph: ${branch}`,
    source: publication.from.source,
    provenance: { ...provenanceOf(publication.from, outcome), publication_date: publication.date },
  };
}

export function createTodayRateForConversion(deps: TodayRateDeps): RateForConversion {
  return async (kind, date) => {
    const today = mexicoCityDate(new Date(deps.now()));
    if (date !== undefined && date !== today) {
      throw new ConvertQueryError(
        'date',
        `Invalid query parameter date ${JSON.stringify(date)}: this deployment converts at today's rates only. Expected no date, or today's (${today} in Mexico City).`,
      );
    }
    if (kind === 'fiscal') {
      const [outcome] = await deps.getSources(['dof']);
      return fiscalToday(outcome, today);
    }
    const [source, key] = RATE_OF_KIND[kind];
    const [outcome] = await deps.getSources([source]);
    const rate = rateOf(outcome, key);
    return {
      kind,
      value: rate.value,
      date: rate.date,
      rule: KIND_RULES[kind],
      source: rate.source,
      provenance: provenanceOf(rate, outcome),
    };
  };
}
