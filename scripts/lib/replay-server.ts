import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isBankingDay } from '../../lib/core/banking-calendar.js';
import { addDays, isIsoDate, mexicoCityDate } from '../../lib/core/mexico-time.js';
import { type HistoryDataset, loadCapturedHistory } from './history-dataset.js';

/**
 * A local stand-in for the three upstreams (DOF page, Fixer, Banxico SIE), replaying real
 * captures so the service, the sandbox and benchmarks run without network access. Faults
 * can be injected per upstream, in-process or over HTTP (`/__replay/...`) when the server
 * runs in another process (`scripts/replay-server.ts`).
 */

export type UpstreamSource = 'dof' | 'fixer' | 'banxico';

export const UPSTREAM_SOURCES: readonly UpstreamSource[] = ['dof', 'fixer', 'banxico'];

/**
 * How one upstream misbehaves. Every field is optional and they combine:
 *
 * - `latencyMs`: wait this long before doing anything else (also before `hang`).
 * - `hang`: never answer; the socket stays open until the client gives up or `close()`.
 * - `body` (+ `contentType`, default the upstream's usual one): answer exactly this body,
 *   e.g. Fixer's `{"success":false,"error":{"code":104,...}}`. Wins over the fields below.
 * - `garbage`: random-ish bytes (neither HTML, JSON nor XML) under the usual content type.
 * - `status`: the HTTP status of whatever is answered; on its own it comes with a short
 *   text body, as a gateway error would.
 * - `alteredLayout`: the real capture in a shape the parser must reject. DOF: header row
 *   class and "Publicación DOF" renamed; Fixer: `quotes` instead of `rates`; Banxico: no
 *   `bmx` key (XML: no `<series>` root).
 * - `value`: the real capture with the rate replaced. DOF: every numeric cell; Fixer: MXN
 *   chosen so that MXN/USD equals the value (a non-numeric value is sent as a JSON string);
 *   Banxico: `dato`. Combines with `alteredLayout`.
 * - `headers`: extra response headers, added to whatever is answered (e.g. `Bmx-timeReset`).
 *
 * Credential checks (`fixerAccessKey`, `banxicoToken`) run after `body`/`garbage`/bare
 * `status` faults, because those stand for what the upstream itself would send back.
 */
export interface Fault {
  latencyMs?: number;
  hang?: boolean;
  status?: number;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  garbage?: boolean;
  alteredLayout?: boolean;
  value?: string | number;
}

export interface ReplayServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** When set, Fixer answers error 101 to any other `access_key`, as the real one does. */
  fixerAccessKey?: string;
  /** When set, SIE answers HTTP 400 "Token inválido" to any other `Bmx-Token` / `?token=`. */
  banxicoToken?: string;
  /**
   * Faults in force from the start. Clearing faults (`clearFaults`, `setFault(s, undefined)`,
   * `POST /__replay/reset`, `DELETE /__replay/faults/{s}`) returns to these rather than to
   * none, so a benchmark started with simulated latency keeps it across resets.
   */
  baselineFaults?: Partial<Record<UpstreamSource, Fault>>;
  /**
   * What SIE ranges (`/series/{ids}/datos/{from}/{to}`), multi-series `oportuno` and Fixer's
   * historical endpoint (`/api/YYYY-MM-DD`) answer. Default: the real captured values only
   * (`loadCapturedHistory`); tests and the sandbox may pass a synthetic one explicitly.
   */
  history?: HistoryDataset;
}

export interface ReplayServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  dofUrl: string;
  fixerBaseUrl: string;
  banxicoBaseUrl: string;
  /** Requests that reached the upstream's routes, faulted and rejected ones included. */
  hits(source: UpstreamSource): number;
  /** The same requests counted per path (`/api/2020-11-27`, `/SieAPIRest/…/datos/2020-01-01/2020-12-31`). */
  pathHits(): Record<string, number>;
  /** The history dataset's name (a synthetic one says so). */
  historyName: string;
  resetHits(): void;
  setFault(source: UpstreamSource, fault: Fault | undefined): void;
  clearFaults(): void;
  /** Stops listening and destroys open sockets, hanging ones included, so it never blocks. */
  close(): Promise<void>;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// CI clones the repo elsewhere with shared/ beside it, so resolve from the repo, not the cwd.
export const CAPTURES_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'upstream-captures');
const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures');

/** The files replayed, exported so tests compare against the very same bytes. */
export const REPLAY_FILES = {
  dof: path.join(CAPTURES_DIR, 'banxico_tipCamMIAction_browser-saved_2020-11-15_windows-1252.html'),
  fixer: path.join(FIXTURES_DIR, 'fixer_latest_documented-example.json'),
  banxicoJson: path.join(CAPTURES_DIR, 'banxico-sie_SF43718_oportuno_2020-11-27.json'),
  banxicoXml: path.join(FIXTURES_DIR, 'banxico-sie_SF43718_oportuno_2020-11-27.xml'),
} as const;

export const ROUTES = {
  dof: '/tipcamb/tipCamMIAction.do',
  fixer: '/api/latest',
  banxico: '/SieAPIRest/service/v1/series/SF43718/datos/oportuno',
} as const;

/** Every path each upstream answers: the routes above, SIE ranges and Fixer's historical days. */
const SIE_PATH =
  /^\/SieAPIRest\/service\/v1\/series\/([^/]+)\/datos\/(oportuno|(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2}))$/;
const FIXER_HISTORICAL_PATH = /^\/api\/(\d{4}-\d{2}-\d{2})$/;

const CONTROL_PREFIX = '/__replay/';
const MAX_CONTROL_BODY_BYTES = 64 * 1024;

const CONTENT_TYPES = {
  // The real page is sent without a charset parameter; the parser must not rely on one.
  dof: 'text/html',
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

interface Captures {
  dof: Buffer;
  fixer: Buffer;
  banxicoJson: Buffer;
  banxicoXml: Buffer;
}

interface Reply {
  status: number;
  contentType: string;
  body: Buffer | string;
  headers?: Record<string, string>;
}

async function loadCaptures(): Promise<Captures> {
  const read = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new Error(`replay server: cannot read ${file}`, { cause: error });
    }
  };
  const [dof, fixer, banxicoJson, banxicoXml] = await Promise.all([
    read(REPLAY_FILES.dof),
    read(REPLAY_FILES.fixer),
    read(REPLAY_FILES.banxicoJson),
    read(REPLAY_FILES.banxicoXml),
  ]);
  return { dof, fixer, banxicoJson, banxicoXml };
}

// Bytes that could start a tag or a JSON value; leaving them out means no lenient parser finds structure.
const STRUCTURAL_BYTES = new Set([0x3c, 0x3e, 0x7b, 0x7d, 0x5b, 0x5d, 0x22]);

/** Deterministic so a failing test is reproducible; starts with NUL so nothing sniffs it as text. */
function makeGarbage(length = 1024): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 0x2f6b_1d3c;
  for (let i = 1; i < length; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const byte = state >>> 24;
    bytes[i] = STRUCTURAL_BYTES.has(byte) ? byte | 0x80 : byte;
  }
  return bytes;
}

const GARBAGE = makeGarbage();

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function toFiniteNumber(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function renderDof(page: Buffer, fault: Fault): Buffer {
  if (fault.value === undefined && fault.alteredLayout !== true) return page;
  // latin1 maps every byte to one code unit, so untouched windows-1252 bytes survive the round trip.
  let html = page.toString('latin1');
  if (fault.value !== undefined) {
    const value = String(fault.value);
    html = html.replace(
      /(<td align="right">\s*)\d+\.\d{4}(\s*<\/td>)/g,
      (_match, open: string, close: string) => {
        return `${open}${value}${close}`;
      },
    );
  }
  if (fault.alteredLayout === true) {
    html = html
      .replace(/Publicaci\u00f3n DOF/g, 'Publicacion D.O.F.')
      .replace(/renglonTituloColumnas/g, 'renglonEncabezadoColumnas');
  }
  return Buffer.from(html, 'latin1');
}

function renderFixer(fixture: Buffer, fault: Fault): Buffer | string {
  if (fault.value === undefined && fault.alteredLayout !== true) return fixture;
  let json = fixture.toString('utf8');
  if (fault.value !== undefined) {
    const usd = Number(/"USD"\s*:\s*(-?[\d.eE+-]+)/.exec(json)?.[1]);
    const wanted = toFiniteNumber(fault.value);
    // toPrecision trims float noise (20.0777 * 1.196) without hiding the value asked for.
    const mxn =
      wanted === undefined || !Number.isFinite(usd)
        ? JSON.stringify(String(fault.value))
        : String(Number((wanted * usd).toPrecision(12)));
    json = json.replace(/("MXN"\s*:\s*)[^,}\s]+/, (_match, key: string) => `${key}${mxn}`);
  }
  if (fault.alteredLayout === true) json = json.replace('"rates"', '"quotes"');
  return json;
}

function renderBanxico(original: Buffer | string, asXml: boolean, fault: Fault): Buffer | string {
  if (fault.value === undefined && fault.alteredLayout !== true) return original;
  let text = original.toString('utf8');
  if (fault.value !== undefined) {
    const value = String(fault.value);
    text = asXml
      ? text.replace(/<dato>[^<]*<\/dato>/g, `<dato>${escapeXml(value)}</dato>`)
      : text.replace(/("dato"\s*:\s*)"[^"]*"/g, (_match, key: string) => `${key}${JSON.stringify(value)}`);
  }
  if (fault.alteredLayout === true) {
    text = asXml
      ? text.replace('<series>', '<resultado>').replace('</series>', '</resultado>')
      : text.replace('"bmx"', '"resultado"');
  }
  return text;
}

/** Titles as SIE words them in the captures (they change over time: never matched on). */
const SERIES_TITLES: Readonly<Record<string, string>> = {
  SF43718:
    'Tipo de cambio Pesos por dólar E.U.A. Tipo de cambio para solventar obligaciones denominadas en moneda extranjera Fecha de determinación (FIX)',
  SF60653:
    'Tipo de cambio pesos por dólar E.U.A. Tipo de cambio para solventar obligaciones denominadas en moneda extranjera Fecha de liquidación',
};

type SieRows = Array<{ fecha: string; dato: string }>;

function ddMmYyyy(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/**
 * A range as SIE answers it: the dataset's values, ascending, no row on non-banking days;
 * a banking day (computed calendar) up to today that the dataset has no value for is `N/E`,
 * SIE's "no value", so a reader never takes a gap in the dataset for a day without FIX.
 */
function rangeRows(values: Readonly<Record<string, number>>, from: string, to: string): SieRows {
  const rows: SieRows = [];
  const today = mexicoCityDate(new Date());
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const value = values[date];
    if (value !== undefined) rows.push({ fecha: ddMmYyyy(date), dato: value.toFixed(4) });
    else if (date <= today && isBankingDay(date)) rows.push({ fecha: ddMmYyyy(date), dato: 'N/E' });
  }
  return rows;
}

function latestRows(values: Readonly<Record<string, number>>): SieRows {
  const latest = Object.keys(values).sort().at(-1);
  const value = latest === undefined ? undefined : values[latest];
  return latest === undefined || value === undefined
    ? []
    : [{ fecha: ddMmYyyy(latest), dato: value.toFixed(4) }];
}

function renderSieSeries(series: ReadonlyArray<{ id: string; rows: SieRows }>, asXml: boolean): string {
  if (!asXml) {
    const bmx = series.map(({ id, rows }) => ({ idSerie: id, titulo: SERIES_TITLES[id] ?? id, datos: rows }));
    return JSON.stringify({ bmx: { series: bmx } }, null, 2);
  }
  const serie = series.map(({ id, rows }) => {
    const obs = rows.map((row) => `<Obs><dato>${row.dato}</dato><fecha>${row.fecha}</fecha></Obs>`).join('');
    return `<serie idSerie="${escapeXml(id)}" titulo="${escapeXml(SERIES_TITLES[id] ?? id)}">${obs}</serie>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<series>${serie.join('')}</series>`;
}

/** SIE for any path but the single-series oportuno capture: from the history dataset. */
function sieFromDataset(history: HistoryDataset, pathname: string, asXml: boolean): Reply | undefined {
  const match = SIE_PATH.exec(pathname);
  const ids = match?.[1]?.split(',') ?? [];
  const known = (id: string): id is keyof HistoryDataset['sie'] => id in history.sie;
  if (match === null || ids.length === 0 || !ids.every(known)) return undefined;
  const [from, to] = [match[3], match[4]];
  if (from !== undefined && to !== undefined && (!isIsoDate(from) || !isIsoDate(to) || from > to))
    return undefined;
  const series = ids.map((id) => ({
    id,
    rows:
      from === undefined || to === undefined
        ? latestRows(history.sie[id])
        : rangeRows(history.sie[id], from, to),
  }));
  return {
    status: 200,
    contentType: asXml ? CONTENT_TYPES.xml : CONTENT_TYPES.json,
    body: renderSieSeries(series, asXml),
  };
}

/** Fixer's historical endpoint from the history dataset; a date it lacks is Fixer's error 106. */
function fixerFromDataset(history: HistoryDataset, date: string): string {
  const day = history.fixer[date];
  if (day === undefined) {
    return JSON.stringify({
      success: false,
      error: { code: 106, type: 'no_rates_available', info: `The replay dataset has no rates for ${date}.` },
    });
  }
  return JSON.stringify({
    success: true,
    timestamp: day.timestamp,
    historical: true,
    base: 'EUR',
    date,
    rates: { USD: day.USD, MXN: day.MXN },
  });
}

function wantsXml(req: IncomingMessage, url: URL): boolean {
  return (
    url.searchParams.get('mediaType') === 'xml' || (req.headers.accept ?? '').includes('application/xml')
  );
}

function send(res: ServerResponse, reply: Reply): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  res.writeHead(reply.status, {
    ...reply.headers,
    'Content-Type': reply.contentType,
    'Content-Length': String(body.length),
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, { status, contentType: CONTENT_TYPES.json, body: JSON.stringify(value) });
}

function sourceOfPath(pathname: string): UpstreamSource | undefined {
  if (SIE_PATH.test(pathname)) return 'banxico';
  if (FIXER_HISTORICAL_PATH.test(pathname)) return 'fixer';
  return UPSTREAM_SOURCES.find((source) => ROUTES[source] === pathname);
}

function isUpstreamSource(value: string): value is UpstreamSource {
  return (UPSTREAM_SOURCES as readonly string[]).includes(value);
}

export class FaultValidationError extends Error {
  override readonly name = 'FaultValidationError';
}

/** Validates a fault received over HTTP; unknown keys are rejected so a typo can't silently do nothing. */
export function parseFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultValidationError('a fault must be a JSON object');
  }
  const fault: Fault = {};
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case 'latencyMs':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
          throw new FaultValidationError('latencyMs must be a number >= 0');
        }
        fault.latencyMs = value;
        break;
      case 'status':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 100 || value > 599) {
          throw new FaultValidationError('status must be an integer HTTP status (100-599)');
        }
        fault.status = value;
        break;
      case 'hang':
      case 'garbage':
      case 'alteredLayout':
        if (typeof value !== 'boolean') throw new FaultValidationError(`${key} must be a boolean`);
        fault[key] = value;
        break;
      case 'body':
      case 'contentType':
        if (typeof value !== 'string') throw new FaultValidationError(`${key} must be a string`);
        fault[key] = value;
        break;
      case 'value':
        if (typeof value !== 'string' && typeof value !== 'number') {
          throw new FaultValidationError('value must be a string or a number');
        }
        fault.value = value;
        break;
      case 'headers': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new FaultValidationError('headers must be an object of strings');
        }
        const headers: Record<string, string> = {};
        for (const [name, headerValue] of Object.entries(value)) {
          if (typeof headerValue !== 'string')
            throw new FaultValidationError(`header ${name} must be a string`);
          headers[name] = headerValue;
        }
        fault.headers = headers;
        break;
      }
      default:
        throw new FaultValidationError(`unknown fault field "${key}"`);
    }
  }
  return fault;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_CONTROL_BODY_BYTES) throw new FaultValidationError('fault body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startReplayServer(options: ReplayServerOptions = {}): Promise<ReplayServer> {
  const captures = await loadCaptures();
  const history = options.history ?? (await loadCapturedHistory(CAPTURES_DIR));
  const pathHits = new Map<string, number>();
  const host = options.host ?? '127.0.0.1';
  const baseline = options.baselineFaults ?? {};
  const hitCounts: Record<UpstreamSource, number> = { dof: 0, fixer: 0, banxico: 0 };
  const faults = new Map<UpstreamSource, Fault>();
  const sockets = new Set<Socket>();

  const resetFault = (source: UpstreamSource): void => {
    const fault = baseline[source];
    if (fault === undefined) faults.delete(source);
    else faults.set(source, { ...fault });
  };
  const setFault = (source: UpstreamSource, fault: Fault | undefined): void => {
    if (fault === undefined) resetFault(source);
    else faults.set(source, { ...fault });
  };
  const clearFaults = (): void => {
    for (const source of UPSTREAM_SOURCES) resetFault(source);
  };
  const resetHits = (): void => {
    for (const source of UPSTREAM_SOURCES) hitCounts[source] = 0;
    pathHits.clear();
  };
  clearFaults();

  const credentialError = (source: UpstreamSource, req: IncomingMessage, url: URL): Reply | undefined => {
    if (source === 'fixer' && options.fixerAccessKey !== undefined) {
      if (url.searchParams.get('access_key') === options.fixerAccessKey) return undefined;
      // Fixer reports errors with HTTP 200 and success:false.
      return {
        status: 200,
        contentType: CONTENT_TYPES.json,
        body: JSON.stringify({
          success: false,
          error: {
            code: 101,
            type: 'invalid_access_key',
            info: 'You have not supplied a valid API Access Key.',
          },
        }),
      };
    }
    if (source === 'banxico' && options.banxicoToken !== undefined) {
      const header = req.headers['bmx-token'];
      const token = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('token');
      if (token === options.banxicoToken) return undefined;
      return {
        status: 400,
        contentType: CONTENT_TYPES.json,
        // Only origin and path: echoing a ?token= back would copy a credential into logs.
        body: JSON.stringify({
          error: {
            url: `${url.origin}${url.pathname}`,
            mensaje: 'Token inválido',
            detalle: 'El token no es válido',
          },
        }),
      };
    }
    return undefined;
  };

  const upstreamReply = (source: UpstreamSource, req: IncomingMessage, url: URL, fault: Fault): Reply => {
    const asXml = source === 'banxico' && wantsXml(req, url);
    const contentType = source === 'dof' ? CONTENT_TYPES.dof : asXml ? CONTENT_TYPES.xml : CONTENT_TYPES.json;
    const extra = fault.headers === undefined ? {} : { headers: fault.headers };
    if (fault.body !== undefined) {
      return {
        status: fault.status ?? 200,
        contentType: fault.contentType ?? contentType,
        body: fault.body,
        ...extra,
      };
    }
    if (fault.garbage === true) return { status: fault.status ?? 200, contentType, body: GARBAGE, ...extra };
    if (fault.status !== undefined && fault.alteredLayout !== true && fault.value === undefined) {
      return {
        status: fault.status,
        contentType: CONTENT_TYPES.text,
        body: `Replay fault: HTTP ${fault.status}\n`,
        ...extra,
      };
    }
    const rejected = credentialError(source, req, url);
    if (rejected !== undefined) return { ...rejected, ...extra };
    const fixerDate = FIXER_HISTORICAL_PATH.exec(url.pathname)?.[1];
    if (source === 'fixer') {
      const json = fixerDate === undefined ? captures.fixer : fixerFromDataset(history, fixerDate);
      return {
        status: fault.status ?? 200,
        contentType,
        body: renderFixer(Buffer.from(json), fault),
        ...extra,
      };
    }
    if (source === 'dof')
      return { status: fault.status ?? 200, contentType, body: renderDof(captures.dof, fault), ...extra };
    if (url.pathname === ROUTES.banxico) {
      const original = asXml ? captures.banxicoXml : captures.banxicoJson;
      return {
        status: fault.status ?? 200,
        contentType,
        body: renderBanxico(original, asXml, fault),
        ...extra,
      };
    }
    const reply = sieFromDataset(history, url.pathname, asXml);
    if (reply === undefined) {
      return {
        status: 404,
        contentType: CONTENT_TYPES.text,
        body: 'Replay: unknown series or range\n',
        ...extra,
      };
    }
    return { ...reply, status: fault.status ?? 200, body: renderBanxico(reply.body, asXml, fault), ...extra };
  };

  const handleUpstream = async (
    source: UpstreamSource,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> => {
    hitCounts[source] += 1;
    pathHits.set(url.pathname, (pathHits.get(url.pathname) ?? 0) + 1);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, {
        status: 405,
        contentType: CONTENT_TYPES.text,
        body: 'Method Not Allowed\n',
        headers: { Allow: 'GET, HEAD' },
      });
      return;
    }
    // Snapshot: a fault changed while this request waits must not half-apply to it.
    const fault: Fault = { ...faults.get(source) };
    if (fault.latencyMs !== undefined && fault.latencyMs > 0) {
      const clientGone = new AbortController();
      res.once('close', () => clientGone.abort());
      try {
        await delay(fault.latencyMs, undefined, { signal: clientGone.signal });
      } catch {
        return;
      }
    }
    if (fault.hang === true) return;
    send(res, upstreamReply(source, req, url, fault));
  };

  const handleControl = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const route = url.pathname.slice(CONTROL_PREFIX.length);
    if (route === 'hits') {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'use GET' });
      return sendJson(res, 200, { ...hitCounts });
    }
    if (route === 'path-hits') {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'use GET' });
      return sendJson(res, 200, Object.fromEntries(pathHits));
    }
    if (route === 'reset') {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' });
      resetHits();
      clearFaults();
      res.writeHead(204).end();
      return;
    }
    const faultRoute = /^faults\/([^/]+)$/.exec(route);
    const source = faultRoute?.[1];
    if (source === undefined) return sendJson(res, 404, { error: 'unknown control route' });
    if (!isUpstreamSource(source)) return sendJson(res, 404, { error: `unknown source "${source}"` });
    if (req.method === 'DELETE') {
      setFault(source, undefined);
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'PUT') return sendJson(res, 405, { error: 'use PUT or DELETE' });
    let fault: Fault;
    try {
      fault = parseFault(JSON.parse(await readBody(req)));
    } catch (error) {
      const message = error instanceof FaultValidationError ? error.message : 'body is not valid JSON';
      return sendJson(res, 400, { error: message });
    }
    setFault(source, fault);
    res.writeHead(204).end();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'replay.invalid'}`);
    const source = sourceOfPath(url.pathname);
    const handled =
      source !== undefined
        ? handleUpstream(source, req, res, url)
        : url.pathname.startsWith(CONTROL_PREFIX)
          ? handleControl(req, res, url)
          : Promise.resolve(send(res, { status: 404, contentType: CONTENT_TYPES.text, body: 'Not Found\n' }));
    handled.catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      send(res, { status: 500, contentType: CONTENT_TYPES.text, body: `replay server error: ${message}\n` });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('replay server: no TCP address');
  const url = `http://${formatHost(host)}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error === undefined ? resolve() : reject(error)));
      // server.close waits for open connections; hanging and keep-alive ones would block it forever.
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };

  return {
    url,
    dofUrl: `${url}${ROUTES.dof}`,
    fixerBaseUrl: `${url}/api`,
    banxicoBaseUrl: `${url}/SieAPIRest/service/v1`,
    hits: (source) => hitCounts[source],
    pathHits: () => Object.fromEntries(pathHits),
    historyName: history.name,
    resetHits,
    setFault,
    clearFaults,
    close,
  };
}
