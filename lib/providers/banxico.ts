import { load } from 'cheerio/slim';
import { mediaTypeOf } from '../core/headers.js';
import { isRecord } from '../core/json.js';
import { mexicoCityInstant, parseDdMmYyyy } from '../core/mexico-time.js';
import { assertPlausibleRate } from '../core/plausibility.js';
import { ProviderError } from '../core/provider-error.js';
import type { ParsedRate, ParsedSource } from '../core/rate.js';
import { DEFAULT_UPSTREAM_URLS, type OutboundResponse } from '../core/upstream.js';
import { redactUrl } from '../outbound/http-client.js';
import { requireCredential } from './credentials.js';
import type { FetchSource, ProviderContext } from './types.js';
import { getFromUpstream, parseJsonBody, secondsHeader } from './upstream-call.js';

/**
 * Banxico SIE REST API, series SF43718: the FIX keyed by determination date. Both the
 * JSON and the XML renderings are read (the XML shape is known only from client code,
 * see UPSTREAMS.md); the series is matched by `idSerie`, never by its `titulo`, which
 * Banxico rewords from time to time.
 */

export const SERIES_ID = 'SF43718';
/** The same FIX keyed by settlement date: para pagos on banking days (UPSTREAMS.md). */
export const SETTLEMENT_SERIES_ID = 'SF60653';
const WHAT = 'Banxico SIE';
const NOT_AVAILABLE = 'N/E';
const VALUE_PATTERN = /^-?\d+(\.\d+)?$/;

interface Observation {
  fecha: string;
  dato: string;
}

interface ErrorInfo {
  mensaje: string | undefined;
  secondsToReset: number | undefined;
}

function layoutChanged(detail: string): ProviderError {
  return new ProviderError('layout_changed', `${WHAT} response layout changed: ${detail}`);
}

function toSeconds(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? Math.ceil(number) : undefined;
}

function isXml(text: string, contentType: string | undefined): boolean {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType?.includes('xml')) return true;
  if (mediaType?.includes('json')) return false;
  // No or generic content type (text/plain from a proxy): go by the first character.
  return text.trimStart().startsWith('<');
}

/** Error details from either rendering; empty when the body is not a SIE error. */
function readErrorInfo(text: string, contentType: string | undefined): ErrorInfo {
  const info: ErrorInfo = { mensaje: undefined, secondsToReset: undefined };
  if (isXml(text, contentType)) {
    const $ = load(text, { xml: true });
    const error = $('error').first();
    if (error.length === 0) return info;
    const mensaje = error.children('mensaje').first();
    info.mensaje = mensaje.length === 0 ? undefined : mensaje.text();
    info.secondsToReset = toSeconds(error.children('secondsToReset').first().text());
    return info;
  }
  try {
    const json: unknown = JSON.parse(text);
    if (isRecord(json) && isRecord(json.error)) {
      info.mensaje = typeof json.error.mensaje === 'string' ? json.error.mensaje : undefined;
      info.secondsToReset = toSeconds(json.error.secondsToReset);
    }
  } catch {
    // Not JSON: no details; the status code decides alone.
  }
  return info;
}

function normalized(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * One classification for every SIE failure, whether it came as a status code or as an
 * `error` object in a 200 body. Messages are ours: `mensaje` is upstream text.
 */
function classifyFailure(
  status: number,
  info: ErrorInfo,
  headers: Readonly<Record<string, string>>,
): ProviderError {
  const mensaje = normalized(info.mensaje ?? '');
  if (status === 429 || mensaje.includes('limite de consultas')) {
    // Exceeding the limit blocks the token until the window resets: callers must wait.
    const retryAfterSeconds =
      info.secondsToReset ??
      secondsHeader(headers, 'bmx-secondstoreset') ??
      secondsHeader(headers, 'retry-after');
    return new ProviderError(
      'quota_exhausted',
      `${WHAT} query limit reached (HTTP ${status})`,
      retryAfterSeconds === undefined ? {} : { retryAfterSeconds },
    );
  }
  if (status === 401 || status === 403 || mensaje.includes('token')) {
    return new ProviderError('unauthorized_upstream', `${WHAT} rejected the token (HTTP ${status})`);
  }
  return new ProviderError(
    'upstream_error',
    status === 200 ? `${WHAT} answered with an error` : `${WHAT} answered HTTP ${status}`,
  );
}

function observationsFromJson(text: string, seriesId: string, required: boolean): Observation[] | undefined {
  const json = parseJsonBody(text, WHAT);
  if (!isRecord(json)) throw layoutChanged('body is not a JSON object');
  if ('error' in json) throw classifyFailure(200, readErrorInfo(text, 'application/json'), {});
  const series = isRecord(json.bmx) ? json.bmx.series : undefined;
  if (!Array.isArray(series)) throw layoutChanged('no bmx.series array');
  const matching = series.filter((serie) => isRecord(serie) && serie.idSerie === seriesId);
  if (matching.length === 0 && !required) return undefined;
  const serie: unknown = matching[0];
  if (matching.length !== 1 || !isRecord(serie)) throw layoutChanged(`expected one series ${seriesId}`);
  // An empty range may come without `datos` at all (unverified): that is "no data", not a new format.
  if (serie.datos === undefined) return [];
  if (!Array.isArray(serie.datos)) throw layoutChanged('datos is not an array');
  return serie.datos.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry.fecha !== 'string' || typeof entry.dato !== 'string') {
      throw layoutChanged('a datos entry lacks fecha or dato');
    }
    return { fecha: entry.fecha, dato: entry.dato };
  });
}

function observationsFromXml(text: string, seriesId: string, required: boolean): Observation[] | undefined {
  const $ = load(text, { xml: true });
  if ($('error').length > 0) throw classifyFailure(200, readErrorInfo(text, 'application/xml'), {});
  const series = $('serie').filter((_, element) => $(element).attr('idSerie') === seriesId);
  if (series.length === 0 && !required) return undefined;
  if (series.length !== 1) throw layoutChanged(`expected one serie ${seriesId}`);
  return series
    .children('Obs')
    .toArray()
    .map((obs) => {
      const dato = $(obs).children('dato');
      const fecha = $(obs).children('fecha');
      if (dato.length !== 1 || fecha.length !== 1) throw layoutChanged('an Obs lacks dato or fecha');
      return { fecha: fecha.text(), dato: dato.text() };
    });
}

/** One SIE observation, validated: `value` is undefined where SIE says `N/E` (no value yet). */
export interface SieObservation {
  /** YYYY-MM-DD */
  date: string;
  /** MXN per 1 USD, plausibility-checked; undefined for `N/E`. */
  value: number | undefined;
}

/**
 * Pure: a SIE series body (one or more series, JSON or XML) in, the observations of
 * `seriesId` out, ascending by date. Every `fecha` must be a real dd/mm/yyyy date and every
 * `dato` a plausible number or `N/E`; anything else is a layout change. Throws the SIE
 * error classification when the body is an `error` object.
 */
export function parseSieObservations(
  body: Buffer,
  contentType: string | undefined,
  seriesId: string,
): SieObservation[] {
  return readSeries(body.toString('utf8'), contentType, seriesId, true) ?? [];
}

/** `parseSieObservations` on text; undefined when the series is absent and not `required`. */
function readSeries(
  text: string,
  contentType: string | undefined,
  seriesId: string,
  required: boolean,
): SieObservation[] | undefined {
  const raw = isXml(text, contentType)
    ? observationsFromXml(text, seriesId, required)
    : observationsFromJson(text, seriesId, required);
  const observations = raw?.map((observation): SieObservation => {
    const date = parseDdMmYyyy(observation.fecha.trim());
    if (date === undefined) throw layoutChanged('a fecha is not a dd/mm/yyyy date');
    const dato = observation.dato.trim();
    if (dato === NOT_AVAILABLE) return { date, value: undefined };
    if (!VALUE_PATTERN.test(dato)) throw layoutChanged(`dato for ${date} is not a number`);
    return { date, value: assertPlausibleRate(Number(dato), `${WHAT} ${seriesId} for ${date}`) };
  });
  return observations?.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function newestValue(observations: readonly SieObservation[]): { date: string; value: number } | undefined {
  let newest: { date: string; value: number } | undefined;
  for (const { date, value } of observations) if (value !== undefined) newest = { date, value };
  return newest;
}

/**
 * Pure: a SIE `oportuno` body in, the newest numeric FIX out (`banxico`, SF43718), plus the
 * newest SF60653 value as `banxico_para_pagos` when the body holds that series too (the
 * service asks for both in one call). Order is not trusted: ranges come oldest first.
 * SF60653's latest value is the latest FIX under its settlement date, so it shares the FIX's
 * publication instant; a different value is logged as a warning (never seen in captures).
 */
export function parseBanxicoSeries(
  body: Buffer,
  contentType: string | undefined,
  sourceUrl = `${DEFAULT_UPSTREAM_URLS.banxicoBaseUrl}/series/${SERIES_ID}/datos/oportuno`,
): ParsedSource {
  const text = body.toString('utf8');
  const newest = newestValue(readSeries(text, contentType, SERIES_ID, true) ?? []);
  // The known format with nothing in it (`N/E`, no or empty `datos`, an XML serie without
  // Obs) is not a format change: the value is not published yet.
  if (newest === undefined) {
    throw new ProviderError(
      'not_published',
      `${WHAT} has published no ${SERIES_ID} value yet (N/E or no data)`,
    );
  }
  // Banxico determines the FIX and publishes it from 12:00 Mexico City time.
  const lastUpdated = mexicoCityInstant(newest.date, 12).toISOString();
  const rates: ParsedRate[] = [
    {
      key: 'banxico',
      value: newest.value,
      date: newest.date,
      lastUpdated,
      kind: 'fix',
      source: `Banxico SIE — serie ${SERIES_ID} (FIX), ${redactUrl(sourceUrl)}`,
      provenance: { series_id: SERIES_ID, row_date: newest.date },
    },
  ];
  const settlement = newestValue(readSeries(text, contentType, SETTLEMENT_SERIES_ID, false) ?? []);
  if (settlement === undefined) return { rates };
  rates.push({
    key: 'banxico_para_pagos',
    value: settlement.value,
    date: settlement.date,
    lastUpdated,
    kind: 'para_pagos',
    source: `Banxico SIE — serie ${SETTLEMENT_SERIES_ID} (FIX por fecha de liquidación), ${redactUrl(sourceUrl)}`,
    provenance: { series_id: SETTLEMENT_SERIES_ID, row_date: settlement.date },
  });
  const warnings =
    settlement.value === newest.value
      ? []
      : [
          `${SETTLEMENT_SERIES_ID} ${settlement.date} = ${settlement.value} differs from the latest FIX ${newest.value}`,
        ];
  return { rates, ...(warnings.length === 0 ? {} : { warnings }) };
}

function httpFailure(response: OutboundResponse): ProviderError {
  const info = readErrorInfo(response.body.toString('utf8'), response.headers['content-type']);
  return classifyFailure(response.status, info, response.headers);
}

/**
 * One GET of `…/series/{path}` in the configured format, the token in the `Bmx-Token` header
 * (it wins over ?token= and stays out of URLs and logs). Answers the 200 response and the
 * URL asked (without the media type); any other status is the SIE failure it stands for.
 */
async function getSie(
  ctx: ProviderContext,
  path: string,
): Promise<{ response: OutboundResponse; url: string }> {
  const token = requireCredential('banxico', ctx.config);
  const xml = ctx.config.banxicoFormat === 'xml';
  const url = `${ctx.config.banxicoBaseUrl.replace(/\/+$/, '')}/series/${path}`;
  const response = await getFromUpstream(ctx, WHAT, xml ? `${url}?mediaType=xml` : url, {
    'Bmx-Token': token,
    Accept: xml ? 'application/xml' : 'application/json',
  });
  if (response.status !== 200) throw httpFailure(response);
  return { response, url };
}

export const fetchBanxicoFix: FetchSource = async (ctx) => {
  // Both series in one call, so the settlement-dated FIX costs no SIE quota of its own.
  const { response, url } = await getSie(ctx, `${SERIES_ID},${SETTLEMENT_SERIES_ID}/datos/oportuno`);
  return parseBanxicoSeries(response.body, response.headers['content-type'], url);
};

/**
 * One SIE range call: `GET …/series/{seriesId}/datos/{from}/{to}` (JSON, or XML when
 * BANXICO_FORMAT=xml), token in the `Bmx-Token` header. Returns the observations SIE gives,
 * each checked to lie in [from, to] and to appear once; SIE omits non-banking days.
 * Throws ProviderError: `not_configured` (no token, nothing called), `timeout`,
 * `upstream_error`, `unauthorized_upstream`, `quota_exhausted`, `layout_changed`, `invalid_value`.
 */
export async function fetchSieRange(
  ctx: ProviderContext,
  seriesId: string,
  from: string,
  to: string,
): Promise<SieObservation[]> {
  const { response } = await getSie(ctx, `${seriesId}/datos/${from}/${to}`);
  const observations = parseSieObservations(response.body, response.headers['content-type'], seriesId);
  let previous: string | undefined;
  for (const { date } of observations) {
    if (date < from || date > to) throw layoutChanged(`${seriesId} range ${from}…${to} holds ${date}`);
    if (date === previous) throw layoutChanged(`${seriesId} range holds ${date} twice`);
    previous = date;
  }
  return observations;
}
