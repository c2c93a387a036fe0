import { type CheerioAPI, load } from 'cheerio/slim';
import sniffHTMLEncoding from 'html-encoding-sniffer';
import { addDays, mexicoCityInstant, parseDdMmYyyy } from '../core/mexico-time.js';
import { assertPlausibleRate } from '../core/plausibility.js';
import { ProviderError } from '../core/provider-error.js';
import type { ParsedRate, ParsedSource } from '../core/rate.js';
import { redactUrl } from '../outbound/http-client.js';
import type { FetchSource } from './types.js';
import { charsetOf, getFromUpstream } from './upstream-call.js';

/**
 * Banxico's "Tipo de cambio para solventar obligaciones" page, which reprints the DOF
 * publication. There is no API, so the parser is strict: any deviation from the known
 * table is a layout change, reported instead of guessed around.
 */

export const DEFAULT_DOF_URL = 'https://www.banxico.org.mx/tipcamb/tipCamMIAction.do';

const EXPECTED_HEADER = ['Fecha', 'FIX', 'Publicacion DOF', 'Para pagos'] as const;
const NOT_AVAILABLE = 'N/E';
// A sign is accepted so that a negative number is reported as an implausible value
// rather than as a layout change: it is a wrong number in the right place.
const VALUE_PATTERN = /^-?\d+\.\d{4}$/;

export interface DofRow {
  /** YYYY-MM-DD */
  date: string;
  fix: number | undefined;
  dof: number | undefined;
  paraPagos: number | undefined;
}

function layoutChanged(detail: string): ProviderError {
  return new ProviderError('layout_changed', `DOF page layout changed: ${detail}`);
}

/**
 * The page decoded the way a browser would (WHATWG encoding sniffing: BOM, then the HTTP
 * charset, then a `<meta>` charset in the first 1024 bytes, then windows-1252). The live
 * server sends ASCII with entities and no charset; a saved copy is windows-1252; a copy
 * re-served as UTF-8 says so in a `<meta>` while a bare `Content-Type: text/html` does not.
 */
function decode(body: Buffer, contentType: string | undefined): string {
  const label = charsetOf(contentType);
  const encoding = sniffHTMLEncoding(body, {
    ...(label === undefined ? {} : { transportLayerEncodingLabel: label }),
    defaultEncoding: 'windows-1252',
  });
  try {
    // Node's own WHATWG TextDecoder (full ICU): @exodus/bytes' would add ~190 kB to the bundle.
    return new TextDecoder(encoding).decode(body);
  } catch {
    // An encoding Node cannot decode (WHATWG's `replacement`, `x-user-defined`): the digits,
    // dates and N/E are ASCII and read the same; an accented header then reads as changed.
    return new TextDecoder('windows-1252').decode(body);
  }
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function withoutAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
}

/** Header cell text without the footnote markers (`<sup>2/</sup>`). */
function headerCellText($: CheerioAPI, cell: Parameters<CheerioAPI>[0]): string {
  const copy = $(cell).clone();
  copy.find('sup').remove();
  return withoutAccents(collapse(copy.text()));
}

function parseValue(text: string, column: string, date: string): number | undefined {
  if (text === NOT_AVAILABLE) return undefined;
  if (!VALUE_PATTERN.test(text)) throw layoutChanged(`unreadable ${column} value for ${date}`);
  return assertPlausibleRate(Number(text), `DOF page ${column} for ${date}`);
}

function readRows($: CheerioAPI): DofRow[] {
  const headers = $('tr.renglonTituloColumnas');
  if (headers.length !== 1) throw layoutChanged(`expected one header row, found ${headers.length}`);
  const headerCells = headers.children('td, th').toArray();
  const headerTexts = headerCells.map((cell) => headerCellText($, cell));
  if (
    headerTexts.length !== EXPECTED_HEADER.length ||
    headerTexts.some((text, index) => text !== EXPECTED_HEADER[index])
  ) {
    throw layoutChanged('header row differs from Fecha | FIX | Publicación DOF | Para pagos');
  }

  const rows: DofRow[] = [];
  for (const tr of headers.nextAll('tr').toArray()) {
    // Only element children count: the page's commented-out fifth cell is a comment node.
    const cells = $(tr)
      .children()
      .toArray()
      .map((cell) => ({ tag: cell.tagName.toLowerCase(), text: collapse($(cell).text()) }));
    if (cells.length !== 4 || cells.some((cell) => cell.tag !== 'td')) {
      throw layoutChanged(`data row ${rows.length + 1} does not have exactly 4 cells`);
    }
    const [dateCell, fixCell, dofCell, paraPagosCell] = cells.map((cell) => cell.text);
    const date = parseDdMmYyyy(dateCell ?? '');
    if (date === undefined) throw layoutChanged(`data row ${rows.length + 1} has no dd/mm/yyyy date`);
    const previous = rows.at(-1);
    if (previous !== undefined && date !== addDays(previous.date, -1)) {
      throw layoutChanged(`rows are not consecutive days, newest first (${previous.date} then ${date})`);
    }
    rows.push({
      date,
      fix: parseValue(fixCell ?? '', 'FIX', date),
      dof: parseValue(dofCell ?? '', 'Publicación DOF', date),
      paraPagos: parseValue(paraPagosCell ?? '', 'Para pagos', date),
    });
  }
  if (rows.length === 0) throw layoutChanged('no data rows after the header');
  return rows;
}

/** Pure: every validated row of the page, newest first (`undefined` = `N/E`); for the history cross-check. */
export function parseDofPageRows(body: Buffer, contentType?: string): DofRow[] {
  return readRows(load(decode(body, contentType), { xml: { xmlMode: false } }));
}

/** Pure: the page bytes (and the Content-Type they came with) in, validated rates out. */
export function parseDofPage(body: Buffer, contentType?: string, sourceUrl = DEFAULT_DOF_URL): ParsedSource {
  // htmlparser2 (xmlMode off) instead of cheerio's default parse5: ~3× faster on this
  // 30 kB page and it keeps the DOM literal (no implied tbody, no foster-parented
  // cells), which is what a strict layout check wants to see.
  const $ = load(decode(body, contentType), { xml: { xmlMode: false } });
  const rows = readRows($);
  const url = redactUrl(sourceUrl);

  const dofRow = rows.find((row) => row.dof !== undefined);
  const paraPagosRow = rows.find((row) => row.paraPagos !== undefined);
  if (dofRow?.dof === undefined) throw layoutChanged('no row has a Publicación DOF value');
  if (paraPagosRow?.paraPagos === undefined) throw layoutChanged('no row has a Para pagos value');

  const rates: ParsedRate[] = [
    {
      key: 'dof',
      value: dofRow.dof,
      date: dofRow.date,
      // The DOF issue of that date carries the value; its publication time is not on the page.
      lastUpdated: mexicoCityInstant(dofRow.date, 0).toISOString(),
      kind: 'dof',
      source: `Banxico — Tipo de cambio para solventar obligaciones (Publicación DOF), ${url}`,
      provenance: { row_date: dofRow.date, column: 'Publicación DOF' },
    },
    {
      key: 'dof_para_pagos',
      value: paraPagosRow.paraPagos,
      date: paraPagosRow.date,
      lastUpdated: mexicoCityInstant(paraPagosRow.date, 0).toISOString(),
      kind: 'para_pagos',
      source: `Banxico — Tipo de cambio para solventar obligaciones (Para pagos), ${url}`,
      provenance: { row_date: paraPagosRow.date, column: 'Para pagos' },
    },
  ];

  const fixByDate: Record<string, number> = {};
  for (const row of rows) {
    if (row.fix !== undefined) fixByDate[row.date] = row.fix;
  }
  // The newest row is checked against today with the rates' dates (lib/rates/time-checks.ts):
  // a page dated tomorrow is not today's publication.
  return { rates, fixByDate, newestRowDate: rows[0]?.date ?? dofRow.date };
}

export const fetchDofRates: FetchSource = async (ctx) => {
  const url = ctx.config.dofUrl;
  const response = await getFromUpstream(ctx, 'DOF page', url, { Accept: 'text/html' });
  if (response.status < 200 || response.status > 299) {
    throw new ProviderError('upstream_error', `DOF page answered HTTP ${response.status}`);
  }
  return parseDofPage(response.body, response.headers['content-type'], url);
};
