import { epochSecondsToDate } from '../core/epoch.js';
import { isRecord } from '../core/json.js';
import { isIsoDate, mexicoCityDate } from '../core/mexico-time.js';
import { assertPlausibleRate, roundHalfUp } from '../core/plausibility.js';
import { ProviderError, type ProviderErrorCode } from '../core/provider-error.js';
import type { ParsedSource } from '../core/rate.js';
import type { OutboundResponse } from '../core/upstream.js';
import { requireCredential } from './credentials.js';
import type { FetchSource, ProviderContext } from './types.js';
import { getFromUpstream, parseJsonBody, secondsHeader } from './upstream-call.js';

/**
 * Fixer: a market mid-rate, the only source independent of Banxico. The free plan is
 * EUR-based, so USD→MXN is derived as EUR→MXN / EUR→USD.
 *
 * Error classes, on purpose: a body that is not JSON at all is an upstream fault
 * (proxy page, truncated response) → upstream_error; JSON that parses but lacks the
 * documented fields means Fixer changed its format → layout_changed.
 */

const DECIMALS = 4;
const WHAT = 'Fixer';

interface FixerLatest {
  success: true;
  timestamp: number;
  base: string;
  date: string;
  rates: Record<string, unknown>;
}

interface FixerFailure {
  success: false;
  error: { code: number; type?: unknown };
}

function isFixerFailure(value: Record<string, unknown>): value is Record<string, unknown> & FixerFailure {
  return value.success === false && isRecord(value.error) && typeof value.error.code === 'number';
}

function isFixerLatest(value: Record<string, unknown>): value is Record<string, unknown> & FixerLatest {
  return (
    value.success === true &&
    // Only the type here: whether the number is a sensible instant is time-checks.ts' call.
    typeof value.timestamp === 'number' &&
    typeof value.base === 'string' &&
    /^[A-Z]{3}$/.test(value.base) &&
    typeof value.date === 'string' &&
    isIsoDate(value.date) &&
    isRecord(value.rates)
  );
}

function codeForFixerError(code: number): ProviderErrorCode {
  if (code === 101 || code === 102) return 'unauthorized_upstream';
  if (code === 104) return 'quota_exhausted';
  return 'upstream_error';
}

/**
 * Fixer's `info` text is left out: it is free text from the upstream and we promise
 * messages we wrote. `type` is kept only when it is the documented snake_case token.
 */
function fixerFailure(failure: FixerFailure): ProviderError {
  const { code, type } = failure.error;
  const typeText = typeof type === 'string' && /^[a-z_]{1,64}$/.test(type) ? ` (${type})` : '';
  return new ProviderError(codeForFixerError(code), `Fixer error ${code}${typeText}`, { upstreamCode: code });
}

function rateOf(rates: Record<string, unknown>, symbol: string): number {
  const value = rates[symbol];
  if (typeof value !== 'number')
    throw new ProviderError('layout_changed', `Fixer response has no ${symbol} rate`);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ProviderError('invalid_value', `Fixer ${symbol} rate is ${String(value)}`);
  }
  return value;
}

/** Pure: a Fixer `latest` body in, the derived USD→MXN rate out. */
export function parseFixerLatest(body: Buffer): ParsedSource {
  const json = parseJsonBody(body.toString('utf8'), WHAT);
  if (!isRecord(json)) throw new ProviderError('layout_changed', 'Fixer response is not a JSON object');
  if (isFixerFailure(json)) throw fixerFailure(json);
  if (!isFixerLatest(json))
    throw new ProviderError('layout_changed', 'Fixer response lacks the documented fields');

  const { base, timestamp, rates } = json;
  const mxn = rateOf(rates, 'MXN');
  const provenance: Record<string, string | number> = { base, timestamp, fixer_date: json.date };
  let value: number;
  if (base === 'USD') {
    value = mxn;
    provenance.usd_mxn = mxn;
  } else {
    const usd = rateOf(rates, 'USD');
    value = mxn / usd;
    provenance[`${base.toLowerCase()}_usd`] = usd;
    provenance[`${base.toLowerCase()}_mxn`] = mxn;
  }

  const collectedAt = epochSecondsToDate(timestamp, 'Fixer timestamp');
  // Fixer states the date of its rates in `date` (a UTC calendar date) and when it
  // collected them in `timestamp`. When they agree, the date is the Mexico City date of that
  // instant (a quote of the UTC 28th at 01:00 is the 27th's evening in Mexico City). When
  // they disagree (a snapshot re-stamped by a cache), the date Fixer states for the rates
  // is served, and the disagreement is shown in provenance and logged as a warning.
  const collectedOn = collectedAt.toISOString().slice(0, 10);
  const warnings: string[] = [];
  if (collectedOn !== json.date) {
    provenance.timestamp_date = collectedOn;
    warnings.push(`Fixer date ${json.date} disagrees with its timestamp ${timestamp} (${collectedOn})`);
  }
  const date = warnings.length === 0 ? mexicoCityDate(collectedAt) : json.date;
  return {
    rates: [
      {
        key: 'fixer',
        value: assertPlausibleRate(roundHalfUp(value, DECIMALS), 'Fixer USD→MXN'),
        date,
        lastUpdated: collectedAt.toISOString(),
        kind: 'market',
        source: 'Fixer — latest, symbols USD,MXN',
        provenance,
      },
    ],
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

function isApiLayer(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === 'api.apilayer.com';
  } catch {
    return false;
  }
}

function httpFailure(response: OutboundResponse): ProviderError {
  const { status } = response;
  const message = `${WHAT} answered HTTP ${status}`;
  if (status === 401 || status === 403) return new ProviderError('unauthorized_upstream', message);
  if (status === 429) {
    const retryAfterSeconds = secondsHeader(response.headers, 'retry-after');
    return new ProviderError(
      'quota_exhausted',
      message,
      retryAfterSeconds === undefined ? {} : { retryAfterSeconds },
    );
  }
  return new ProviderError('upstream_error', message);
}

export const fetchFixerRate: FetchSource = async (ctx) => {
  const key = requireCredential('fixer', ctx.config);
  const baseUrl = ctx.config.fixerBaseUrl.replace(/\/+$/, '');
  // APILayer's Fixer takes the key in a header; data.fixer.io (and replays of it) in the query.
  const response = isApiLayer(baseUrl)
    ? await getFromUpstream(ctx, WHAT, `${baseUrl}/latest?symbols=USD,MXN`, { apikey: key })
    : await getFromUpstream(
        ctx,
        WHAT,
        `${baseUrl}/latest?access_key=${encodeURIComponent(key)}&symbols=USD,MXN`,
      );
  if (response.status < 200 || response.status > 299) throw httpFailure(response);
  return parseFixerLatest(response.body);
};

/** Fixer's answer for one past date, crossed to USD→MXN as `latest` is. */
export interface FixerHistoricalRate {
  date: string;
  /** MXN per 1 USD, rounded half-up to 4 decimals like the latest rate. */
  value: number;
  /** Fixer's `timestamp` as ISO 8601 UTC. */
  lastUpdated: string;
  provenance: Record<string, string | number>;
}

/**
 * Pure: a Fixer historical body (`GET /api/YYYY-MM-DD`, the `latest` body plus
 * `"historical": true`) in, the USD→MXN rate of `date` out. The body must say
 * `historical: true` and carry the date asked for: an answer for another day is never
 * stored under this one.
 */
export function parseFixerHistorical(body: Buffer, date: string): FixerHistoricalRate {
  const json = parseJsonBody(body.toString('utf8'), WHAT);
  if (!isRecord(json)) throw new ProviderError('layout_changed', 'Fixer response is not a JSON object');
  if (isFixerFailure(json)) throw fixerFailure(json);
  if (!isFixerLatest(json) || json.historical !== true)
    throw new ProviderError('layout_changed', 'Fixer historical response lacks the documented fields');
  if (json.date !== date)
    throw new ProviderError('invalid_value', `Fixer answered ${json.date} when asked for ${date}`);
  const { base, timestamp, rates } = json;
  const mxn = rateOf(rates, 'MXN');
  const usd = base === 'USD' ? 1 : rateOf(rates, 'USD');
  const prefix = base.toLowerCase();
  const provenance: Record<string, string | number> =
    base === 'USD'
      ? { base, timestamp, fixer_date: date, historical: 'true', usd_mxn: mxn }
      : {
          base,
          timestamp,
          fixer_date: date,
          historical: 'true',
          [`${prefix}_usd`]: usd,
          [`${prefix}_mxn`]: mxn,
        };
  return {
    date,
    value: assertPlausibleRate(roundHalfUp(mxn / usd, DECIMALS), `Fixer USD→MXN on ${date}`),
    lastUpdated: epochSecondsToDate(timestamp, 'Fixer timestamp').toISOString(),
    provenance,
  };
}

/**
 * One call to Fixer's historical endpoint, `GET {base}/YYYY-MM-DD?access_key=…&symbols=USD,MXN`
 * (APILayer: key in the `apikey` header). The caller counts it against the monthly budget
 * first. Throws ProviderError like `fetchFixerRate`.
 */
export async function fetchFixerHistorical(ctx: ProviderContext, date: string): Promise<FixerHistoricalRate> {
  const key = requireCredential('fixer', ctx.config);
  if (!isIsoDate(date)) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  const baseUrl = ctx.config.fixerBaseUrl.replace(/\/+$/, '');
  const response = isApiLayer(baseUrl)
    ? await getFromUpstream(ctx, WHAT, `${baseUrl}/${date}?symbols=USD,MXN`, { apikey: key })
    : await getFromUpstream(
        ctx,
        WHAT,
        `${baseUrl}/${date}?access_key=${encodeURIComponent(key)}&symbols=USD,MXN`,
      );
  if (response.status < 200 || response.status > 299) throw httpFailure(response);
  return parseFixerHistorical(response.body, date);
}
