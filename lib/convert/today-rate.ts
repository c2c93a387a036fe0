import { addDays, previousBankingDay } from '../core/banking-calendar.js';
import { mexicoCityDate } from '../core/mexico-time.js';
import { ProviderError } from '../core/provider-error.js';
import type { ParsedRate, RateKey, SourceId } from '../core/rate.js';
import { FISCAL_RULE_DAY_BEFORE, FISCAL_RULE_LAST_BEFORE, PARA_PAGOS_RULE } from '../history/fiscal.js';
import { DOF_RULE, FIX_RULE, MARKET_RULE } from '../history/rate-for-kind.js';
import type { SourceOutcome } from '../rates/serving.js';
import type { ConversionKind, ConversionRate, RateForConversion } from './types.js';

/**
 * Today's rate of each kind from the cached rates the /v1/rates routes serve
 * (lib/rates/rate-service.ts): the values a client sees on /v1/rates and the page, with the
 * same freshness, and the DOF page's kinds (dof, para pagos, fiscal) without any key. A
 * conversion without `date` uses these; a dated one uses the history rules
 * (lib/history/rate-for-kind.ts), which also give `market` today through `todayRate`.
 */

/** The rule each kind follows, stated once with the dated rules (lib/history). */
const KIND_RULES: Readonly<Record<Exclude<ConversionKind, 'fiscal'>, string>> = {
  fix: FIX_RULE,
  dof: DOF_RULE,
  para_pagos: PARA_PAGOS_RULE,
  market: MARKET_RULE,
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
  return {
    kind: 'fiscal',
    value: publication.value,
    date: publication.date,
    rule: publication.date === addDays(today, -1) ? FISCAL_RULE_DAY_BEFORE : FISCAL_RULE_LAST_BEFORE,
    source: publication.from.source,
    provenance: { ...provenanceOf(publication.from, outcome), publication_date: publication.date },
    stale: outcome?.stale ?? false,
  };
}

/** Today's rate of `kind`; throws `ProviderError` when its source has nothing to serve. */
export function createTodayRate(deps: TodayRateDeps): (kind: ConversionKind) => Promise<ConversionRate> {
  return async (kind) => {
    const today = mexicoCityDate(new Date(deps.now()));
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
      stale: outcome?.stale ?? false,
    };
  };
}

/**
 * The rate /v1/convert uses: without a date, today's cached rates (what /v1/rates shows);
 * with one (today's included), the history rules, which say `applies_since` when the day had
 * no value of its own and `before_history` before a source's first date.
 */
export function rateForConversionFrom(
  todayRate: (kind: ConversionKind) => Promise<ConversionRate>,
  datedRate: RateForConversion,
): RateForConversion {
  return (kind, date) => (date === undefined ? todayRate(kind) : datedRate(kind, date));
}
