import { load } from 'cheerio/slim';

/**
 * The DOF page (Banxico's tipCamMIAction.do) has no schema, so its contract is a list of
 * structural assertions, each named: what lib/providers/dof.ts relies on, stated once
 * here and checked against the captures and, by `npm run contract:live`, the real page.
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

const EXPECTED_HEADER = ['Fecha', 'FIX', 'Publicacion DOF', 'Para pagos'];
const DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const VALUE = /^(\d+\.\d{4}|N\/E)$/;

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
const withoutAccents = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '');

function dayNumber(ddmmyyyy: string): number | undefined {
  const match = DATE.exec(ddmmyyyy);
  if (match === null) return undefined;
  return Date.UTC(Number(match[3]), Number(match[2]) - 1, Number(match[1])) / 86_400_000;
}

/** Checks every assertion (latin1 decoding, as the server sends ASCII with entities). */
export function checkDofPage(body: Buffer): DofPageReport {
  const $ = load(body.toString('latin1'), { xml: { xmlMode: false } });
  const violations: DofPageReport['violations'] = [];
  const fail = (assertion: DofPageAssertion, detail: string) => violations.push({ assertion, detail });

  const header = $('tr.renglonTituloColumnas');
  if (header.length !== 1) {
    fail('one header row tr.renglonTituloColumnas', `found ${header.length}`);
    return { violations, rows: 0, newestDate: undefined };
  }
  const headerTexts = header
    .children('td, th')
    .toArray()
    .map((cell) => {
      const copy = $(cell).clone();
      copy.find('sup').remove();
      return withoutAccents(collapse(copy.text()));
    });
  if (headerTexts.join(' | ') !== EXPECTED_HEADER.join(' | ')) {
    fail('header cells: Fecha | FIX | Publicación DOF | Para pagos', `found ${headerTexts.join(' | ')}`);
  }

  const rows = header.nextAll('tr').toArray();
  if (rows.length === 0) fail('at least one data row after the header', 'none');
  let previousDay: number | undefined;
  let withDof = 0;
  let newestDate: string | undefined;
  rows.forEach((row, index) => {
    const cells = $(row).children().toArray();
    const texts = cells.map((cell) => collapse($(cell).text()));
    const where = `row ${index + 1}`;
    if (cells.length !== 4 || cells.some((cell) => cell.tagName.toLowerCase() !== 'td')) {
      fail('every data row: exactly 4 td', `${where} has ${cells.length} cells`);
      return;
    }
    const [date = '', ...values] = texts;
    const day = dayNumber(date);
    if (day === undefined) fail('first cell: a dd/mm/yyyy date', `${where}: ${JSON.stringify(date)}`);
    newestDate ??= date;
    for (const value of values) {
      if (!VALUE.test(value)) {
        fail('value cells: a number with 4 decimals or N/E', `${where}: ${JSON.stringify(value)}`);
      }
    }
    if (values[1] !== undefined && values[1] !== 'N/E') withDof += 1;
    if (day !== undefined && previousDay !== undefined && day !== previousDay - 1) {
      fail('rows are consecutive calendar days, newest first', `${where}: ${date}`);
    }
    previousDay = day;
  });
  if (rows.length > 0 && withDof === 0) fail('at least one row has a Publicación DOF number', 'none has');
  return { violations, rows: rows.length, newestDate };
}
