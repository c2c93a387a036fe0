import { load } from 'cheerio/slim';
import { mediaTypeOf } from '../core/headers.js';
import { isRecord } from '../core/json.js';
import { mexicoCityInstant, parseDdMmYyyy } from '../core/mexico-time.js';
import { assertPlausibleRate } from '../core/plausibility.js';
import { ProviderError } from '../core/provider-error.js';
import type { ParsedSource } from '../core/rate.js';
import { DEFAULT_UPSTREAM_URLS, type OutboundResponse } from '../core/upstream.js';
import { redactUrl } from '../outbound/http-client.js';
import { requireCredential } from './credentials.js';
import type { FetchSource } from './types.js';
import { getFromUpstream, parseJsonBody, secondsHeader } from './upstream-call.js';

/**
 * Banxico SIE REST API, series SF43718: the FIX keyed by determination date. Both the
 * JSON and the XML renderings are read (the XML shape is known only from client code,
 * see UPSTREAMS.md); the series is matched by `idSerie`, never by its `titulo`, which
 * Banxico rewords from time to time.
 */

export const SERIES_ID = 'SF43718';
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

function observationsFromJson(text: string): Observation[] {
  const json = parseJsonBody(text, WHAT);
  if (!isRecord(json)) throw layoutChanged('body is not a JSON object');
  if ('error' in json) throw classifyFailure(200, readErrorInfo(text, 'application/json'), {});
  const series = isRecord(json.bmx) ? json.bmx.series : undefined;
  if (!Array.isArray(series)) throw layoutChanged('no bmx.series array');
  const matching = series.filter((serie) => isRecord(serie) && serie.idSerie === SERIES_ID);
  const serie: unknown = matching[0];
  if (matching.length !== 1 || !isRecord(serie)) throw layoutChanged(`expected one series ${SERIES_ID}`);
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

function observationsFromXml(text: string): Observation[] {
  const $ = load(text, { xml: true });
  if ($('error').length > 0) throw classifyFailure(200, readErrorInfo(text, 'application/xml'), {});
  const series = $('serie').filter((_, element) => $(element).attr('idSerie') === SERIES_ID);
  if (series.length !== 1) throw layoutChanged(`expected one serie ${SERIES_ID}`);
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

/** Pure: a SIE series body in, the newest numeric FIX out. Order is not trusted: ranges come oldest first. */
export function parseBanxicoSeries(
  body: Buffer,
  contentType: string | undefined,
  sourceUrl = `${DEFAULT_UPSTREAM_URLS.banxicoBaseUrl}/series/${SERIES_ID}/datos/oportuno`,
): ParsedSource {
  const text = body.toString('utf8');
  const observations = isXml(text, contentType) ? observationsFromXml(text) : observationsFromJson(text);

  let newest: { date: string; value: number } | undefined;
  for (const observation of observations) {
    const date = parseDdMmYyyy(observation.fecha.trim());
    if (date === undefined) throw layoutChanged('a fecha is not a dd/mm/yyyy date');
    const dato = observation.dato.trim();
    if (dato === NOT_AVAILABLE) continue;
    if (!VALUE_PATTERN.test(dato)) throw layoutChanged(`dato for ${date} is not a number`);
    const value = assertPlausibleRate(Number(dato), `${WHAT} ${SERIES_ID} for ${date}`);
    if (newest === undefined || date > newest.date) newest = { date, value };
  }
  // The known format with nothing in it (`N/E`, no or empty `datos`, an XML serie without
  // Obs) is not a format change: the value is not published yet.
  if (newest === undefined) {
    throw new ProviderError(
      'not_published',
      `${WHAT} has published no ${SERIES_ID} value yet (N/E or no data)`,
    );
  }

  return {
    rates: [
      {
        key: 'banxico',
        value: newest.value,
        date: newest.date,
        // Banxico determines the FIX and publishes it from 12:00 Mexico City time.
        lastUpdated: mexicoCityInstant(newest.date, 12).toISOString(),
        kind: 'fix',
        source: `Banxico SIE — serie ${SERIES_ID} (FIX), ${redactUrl(sourceUrl)}`,
        provenance: { series_id: SERIES_ID, row_date: newest.date },
      },
    ],
  };
}

function httpFailure(response: OutboundResponse): ProviderError {
  const info = readErrorInfo(response.body.toString('utf8'), response.headers['content-type']);
  return classifyFailure(response.status, info, response.headers);
}

export const fetchBanxicoFix: FetchSource = async (ctx) => {
  const token = requireCredential('banxico', ctx.config);
  const xml = ctx.config.banxicoFormat === 'xml';
  const url = `${ctx.config.banxicoBaseUrl.replace(/\/+$/, '')}/series/${SERIES_ID}/datos/oportuno`;
  // The token goes in the header (it wins over ?token= and stays out of URLs and logs).
  const response = await getFromUpstream(ctx, WHAT, xml ? `${url}?mediaType=xml` : url, {
    'Bmx-Token': token,
    Accept: xml ? 'application/xml' : 'application/json',
  });
  if (response.status !== 200) throw httpFailure(response);
  return parseBanxicoSeries(response.body, response.headers['content-type'], url);
};
