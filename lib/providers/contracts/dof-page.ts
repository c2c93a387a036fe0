import { addDays, parseDdMmYyyy } from '../../core/mexico-time.js';
import {
  hasExpectedHeader,
  hasFourCells,
  isDofValueText,
  NOT_AVAILABLE,
  readDofTable,
} from '../dof-table.js';

/**
 * The DOF page (Banxico's tipCamMIAction.do) has no schema, so its contract is a list of
 * structural assertions, each named: what lib/providers/dof.ts relies on, stated once
 * here and checked against the captures and, by `npm run contract:live`, the real page.
 * Both read the page through one reader (lib/providers/dof-table.ts): same decoding,
 * same rows, same value pattern.
 */

export const DOF_PAGE_ASSERTIONS = [
  'one header row tr.renglonTituloColumnas',
  'header cells: Fecha | FIX | Publicación DOF | Para pagos',
  'at least one data row after the header',
  'every data row: exactly 4 td',
  'first cell: a dd/mm/yyyy date',
  'value cells: a number with 4 decimals or N/E',
  'rows are consecutive calendar days, newest first',
  'at least one row has a Publicación DOF number',
] as const;

export type DofPageAssertion = (typeof DOF_PAGE_ASSERTIONS)[number];

export interface DofPageReport {
  violations: Array<{ assertion: DofPageAssertion; detail: string }>;
  rows: number;
  newestDate: string | undefined;
}

/** Checks every assertion on the page as the parser reads it (lib/providers/dof-table.ts). */
export function checkDofPage(body: Buffer, contentType?: string): DofPageReport {
  const table = readDofTable(body, contentType);
  const violations: DofPageReport['violations'] = [];
  const fail = (assertion: DofPageAssertion, detail: string) => violations.push({ assertion, detail });

  if (table.headerRows !== 1) {
    fail('one header row tr.renglonTituloColumnas', `found ${table.headerRows}`);
    return { violations, rows: 0, newestDate: undefined };
  }
  if (!hasExpectedHeader(table)) {
    fail('header cells: Fecha | FIX | Publicación DOF | Para pagos', `found ${table.header.join(' | ')}`);
  }

  if (table.rows.length === 0) fail('at least one data row after the header', 'none');
  let previousDate: string | undefined;
  let withDof = 0;
  let newestDate: string | undefined;
  table.rows.forEach((cells, index) => {
    const where = `row ${index + 1}`;
    if (!hasFourCells(cells)) {
      fail('every data row: exactly 4 td', `${where} has ${cells.length} cells`);
      return;
    }
    const [date = '', ...values] = cells.map((cell) => cell.text);
    const isoDate = parseDdMmYyyy(date);
    if (isoDate === undefined) fail('first cell: a dd/mm/yyyy date', `${where}: ${JSON.stringify(date)}`);
    newestDate ??= date;
    for (const value of values) {
      if (!isDofValueText(value)) {
        fail('value cells: a number with 4 decimals or N/E', `${where}: ${JSON.stringify(value)}`);
      }
    }
    if (values[1] !== undefined && values[1] !== NOT_AVAILABLE) withDof += 1;
    if (isoDate !== undefined && previousDate !== undefined && isoDate !== addDays(previousDate, -1)) {
      fail('rows are consecutive calendar days, newest first', `${where}: ${date}`);
    }
    previousDate = isoDate;
  });
  if (table.rows.length > 0 && withDof === 0) {
    fail('at least one row has a Publicación DOF number', 'none has');
  }
  return { violations, rows: table.rows.length, newestDate };
}
