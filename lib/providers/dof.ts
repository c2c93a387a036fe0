import { addDays, mexicoCityInstant, parseDdMmYyyy } from '../core/mexico-time.js';
import { assertPlausibleRate } from '../core/plausibility.js';
import { ProviderError } from '../core/provider-error.js';
import type { ParsedRate, ParsedSource } from '../core/rate.js';
import { DEFAULT_UPSTREAM_URLS } from '../core/upstream.js';
import { redactUrl } from '../outbound/http-client.js';
import {
  type DofTable,
  hasExpectedHeader,
  hasFourCells,
  isDofValueText,
  NOT_AVAILABLE,
  readDofTable,
} from './dof-table.js';
import type { FetchSource } from './types.js';
import { getFromUpstream } from './upstream-call.js';

/**
 * Banxico's "Tipo de cambio para solventar obligaciones" page, which reprints the DOF
 * publication. There is no API, so the parser is strict: any deviation from the known
 * table is a layout change, reported instead of guessed around.
 */

function layoutChanged(detail: string): ProviderError {
  return new ProviderError('layout_changed', `DOF page layout changed: ${detail}`);
}

export interface DofRow {
  /** YYYY-MM-DD */
  date: string;
  fix: number | undefined;
  dof: number | undefined;
  paraPagos: number | undefined;
}

function parseValue(text: string, column: string, date: string): number | undefined {
  if (!isDofValueText(text)) throw layoutChanged(`unreadable ${column} value for ${date}`);
  if (text === NOT_AVAILABLE) return undefined;
  return assertPlausibleRate(Number(text), `DOF page ${column} for ${date}`);
}

function readRows(table: DofTable): DofRow[] {
  if (table.headerRows !== 1) throw layoutChanged(`expected one header row, found ${table.headerRows}`);
  if (!hasExpectedHeader(table)) {
    throw layoutChanged('header row differs from Fecha | FIX | Publicación DOF | Para pagos');
  }

  const rows: DofRow[] = [];
  for (const cells of table.rows) {
    if (!hasFourCells(cells)) {
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
  return readRows(readDofTable(body, contentType));
}

/** Pure: the page bytes (and the Content-Type they came with) in, validated rates out. */
export function parseDofPage(
  body: Buffer,
  contentType?: string,
  sourceUrl: string = DEFAULT_UPSTREAM_URLS.dofUrl,
): ParsedSource {
  const rows = readRows(readDofTable(body, contentType));
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
