import { load } from 'cheerio/slim';
import sniffHTMLEncoding from 'html-encoding-sniffer';
import { charsetOf } from './upstream-call.js';

/**
 * The one reader of the DOF page's table (Banxico's tipCamMIAction.do): how the bytes are
 * decoded, which row is the header, which rows are data and what a value cell may hold.
 * The parser (lib/providers/dof.ts) turns its output into rates and throws at the first
 * deviation; the upstream contract (lib/providers/contracts/dof-page.ts) lists every
 * deviation by name. Neither reads the HTML itself.
 */

/** The header cells, accents and footnote markers removed. */
export const DOF_EXPECTED_HEADER = ['Fecha', 'FIX', 'Publicacion DOF', 'Para pagos'] as const;
/** What a value cell holds on a day without a value. */
export const NOT_AVAILABLE = 'N/E';
// A sign is accepted so that a negative number is reported as an implausible value
// rather than as a layout change: it is a wrong number in the right place.
const VALUE_PATTERN = /^-?\d+\.\d{4}$/;

/** A value cell's text is a number with 4 decimals or N/E. */
export function isDofValueText(text: string): boolean {
  return text === NOT_AVAILABLE || VALUE_PATTERN.test(text);
}

export interface DofTableCell {
  /** Lower-cased element name (`td`, `th`, …). */
  tag: string;
  /** Text with whitespace runs collapsed and trimmed. */
  text: string;
}

export interface DofTable {
  /** How many `tr.renglonTituloColumnas` the page has (exactly one is the known layout). */
  headerRows: number;
  /** The header row's cells, accents and `<sup>` footnote markers removed; empty without one header row. */
  header: string[];
  /** Every `tr` after the header row, newest first on the known page: its element children only. */
  rows: DofTableCell[][];
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

/** Pure: the page bytes (and the Content-Type they came with) in, the table's cells out. */
export function readDofTable(body: Buffer, contentType?: string): DofTable {
  // htmlparser2 (xmlMode off) instead of cheerio's default parse5: ~3× faster on this
  // 30 kB page and it keeps the DOM literal (no implied tbody, no foster-parented
  // cells), which is what a strict layout check wants to see.
  const $ = load(decode(body, contentType), { xml: { xmlMode: false } });
  const headers = $('tr.renglonTituloColumnas');
  if (headers.length !== 1) return { headerRows: headers.length, header: [], rows: [] };
  const header = headers
    .children('td, th')
    .toArray()
    .map((cell) => {
      const copy = $(cell).clone();
      copy.find('sup').remove();
      return withoutAccents(collapse(copy.text()));
    });
  // Only element children count: the page's commented-out fifth cell is a comment node.
  const rows = headers
    .nextAll('tr')
    .toArray()
    .map((tr) =>
      $(tr)
        .children()
        .toArray()
        .map((cell) => ({ tag: cell.tagName.toLowerCase(), text: collapse($(cell).text()) })),
    );
  return { headerRows: 1, header, rows };
}

/** Whether the header row is Fecha | FIX | Publicación DOF | Para pagos. */
export function hasExpectedHeader(table: DofTable): boolean {
  return (
    table.header.length === DOF_EXPECTED_HEADER.length &&
    table.header.every((text, index) => text === DOF_EXPECTED_HEADER[index])
  );
}

/** Whether a data row is exactly four `td`. */
export function hasFourCells(row: readonly DofTableCell[]): boolean {
  return row.length === 4 && row.every((cell) => cell.tag === 'td');
}
