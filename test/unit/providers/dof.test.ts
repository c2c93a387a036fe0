import { afterEach, describe, expect, it } from 'vitest';
import { fetchDofRates, parseDofPage } from '../../../lib/providers/dof.js';
import { refusedPort } from '../../../scripts/lib/owned-ports.js';
import { answer, type LocalHttpServer, startLocalHttpServer } from '../../helpers/local-http-server.js';
import {
  expectProviderError,
  providerContextFor,
  rejectionOf,
  thrownBy,
} from '../../helpers/provider-context.js';
import { DOF_CAPTURE, readCapture } from '../../helpers/upstream-files.js';

// latin1 maps every byte to one char and back, so edits keep the rest of the page byte-exact.
const capture = readCapture(DOF_CAPTURE);
const page = capture.toString('latin1');
const toBytes = (text: string): Buffer => Buffer.from(text, 'latin1');

const DATA_ROW = /<tr class="renglon(?:Non|Par)" align="center">[\s\S]*?<\/tr>/g;
const CELL = /(<td[^>]*>\s*)([^<]*?)(\s*<\/td>)/g;

function dataRows(text: string): string[] {
  return text.match(DATA_ROW) ?? [];
}

/** The page with cell `index` (0 = Fecha … 3 = Para pagos) of the row dated `date` set to `value`. */
function withCell(date: string, index: number, value: string): string {
  const row = dataRows(page).find((candidate) => candidate.includes(date));
  if (row === undefined) throw new Error(`no row ${date} in the capture`);
  let seen = -1;
  const edited = row.replace(CELL, (whole, open: string, _text: string, close: string) => {
    seen += 1;
    return seen === index ? `${open}${value}${close}` : whole;
  });
  return page.replace(row, edited);
}

describe('parseDofPage', () => {
  it('reads the DOF and para pagos rates of the real 2020-11-15 page', () => {
    // Act
    const parsed = parseDofPage(capture);

    // Assess
    expect(parsed.rates).toEqual([
      {
        key: 'dof',
        value: 20.5303,
        date: '2020-11-13',
        lastUpdated: '2020-11-13T06:00:00.000Z',
        kind: 'dof',
        source:
          'Banxico — Tipo de cambio para solventar obligaciones (Publicación DOF), https://www.banxico.org.mx/tipcamb/tipCamMIAction.do',
        provenance: { row_date: '2020-11-13', column: 'Publicación DOF' },
      },
      {
        key: 'dof_para_pagos',
        value: 20.5303,
        date: '2020-11-15',
        lastUpdated: '2020-11-15T06:00:00.000Z',
        kind: 'para_pagos',
        source:
          'Banxico — Tipo de cambio para solventar obligaciones (Para pagos), https://www.banxico.org.mx/tipcamb/tipCamMIAction.do',
        provenance: { row_date: '2020-11-15', column: 'Para pagos' },
      },
    ]);
  });

  it('collects every FIX on the page by ISO date', () => {
    // Act
    const parsed = parseDofPage(capture);

    // Assess
    expect(parsed.fixByDate).toEqual({
      '2020-11-13': 20.4833,
      '2020-11-12': 20.5303,
      '2020-11-11': 20.5772,
      '2020-11-10': 20.4018,
      '2020-11-09': 20.36,
    });
  });

  it('names the configured URL in the source', () => {
    // Act
    const parsed = parseDofPage(capture, undefined, 'http://127.0.0.1:9999/tipcamb/tipCamMIAction.do');

    // Assess
    expect(parsed.rates[0]?.source).toContain('http://127.0.0.1:9999/tipcamb/tipCamMIAction.do');
  });

  it('reads a header whose accent comes as an HTML entity, as the server sends it', () => {
    // Prepare
    const withEntity = page.replace('Publicaci\u00f3n DOF', 'Publicaci&oacute;n DOF');

    // Act
    const parsed = parseDofPage(toBytes(withEntity));

    // Assess
    expect(withEntity).not.toBe(page);
    expect(parsed.rates.map((rate) => rate.value)).toEqual([20.5303, 20.5303]);
  });

  it('decodes with the charset named in Content-Type', () => {
    // Prepare
    const utf8 = Buffer.from(new TextDecoder('windows-1252').decode(capture), 'utf8');

    // Act
    const parsed = parseDofPage(utf8, 'text/html; charset=UTF-8');

    // Assess
    expect(parsed.rates.map((rate) => [rate.key, rate.value, rate.date])).toEqual([
      ['dof', 20.5303, '2020-11-13'],
      ['dof_para_pagos', 20.5303, '2020-11-15'],
    ]);
  });

  describe('decodes the bytes the way a browser would (WHATWG encoding sniffing)', () => {
    const META_1252 = '<meta http-equiv="content-type" content="text/html; charset=windows-1252">';
    const text = new TextDecoder('windows-1252').decode(capture);
    const EXPECTED = [
      ['dof', 20.5303, '2020-11-13'],
      ['dof_para_pagos', 20.5303, '2020-11-15'],
    ];
    const read = (body: Buffer, contentType?: string) =>
      parseDofPage(body, contentType).rates.map((rate) => [rate.key, rate.value, rate.date]);

    it('reads UTF-8 bytes with <meta charset="utf-8"> and a bare Content-Type: text/html', () => {
      expect(text).toContain(META_1252);
      const utf8 = Buffer.from(text.replace(META_1252, '<meta charset="utf-8">'), 'utf8');

      expect(read(utf8, 'text/html')).toEqual(EXPECTED);
    });

    it('reads UTF-8 bytes with a BOM whatever the meta and the header say', () => {
      const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);

      expect(read(utf8, 'text/html; charset=windows-1252')).toEqual(EXPECTED);
    });

    it('lets the HTTP charset win over the meta', () => {
      const utf8 = Buffer.from(text, 'utf8');

      expect(read(utf8, 'text/html; charset=utf-8')).toEqual(EXPECTED);
    });

    it('reads the windows-1252 capture with no meta and no charset as windows-1252', () => {
      expect(read(toBytes(page.replace(META_1252, '')), 'text/html')).toEqual(EXPECTED);
    });
  });

  it("follows the page's own meta charset: UTF-8 bytes labelled windows-1252 no longer match the header", () => {
    // Prepare
    const utf8 = Buffer.from(new TextDecoder('windows-1252').decode(capture), 'utf8');

    // Act
    const error = thrownBy(() => parseDofPage(utf8, 'text/html'));

    // Assess
    expectProviderError(error, 'layout_changed');
  });

  it('takes para pagos from the newest row that has one when the newest shows N/E', () => {
    // Prepare
    const edited = withCell('15/11/2020', 3, 'N/E');

    // Act
    const parsed = parseDofPage(toBytes(edited));

    // Assess
    expect(parsed.rates[1]).toMatchObject({ key: 'dof_para_pagos', value: 20.5303, date: '2020-11-14' });
  });

  it('leaves a FIX shown as N/E out of fixByDate', () => {
    // Prepare
    const edited = withCell('13/11/2020', 1, 'N/E');

    // Act
    const parsed = parseDofPage(toBytes(edited));

    // Assess
    expect(parsed.fixByDate?.['2020-11-13']).toBeUndefined();
    expect(parsed.fixByDate?.['2020-11-12']).toBe(20.5303);
  });

  it('takes the DOF rate from an older row when newer rows show N/E', () => {
    // Prepare
    const edited = withCell('13/11/2020', 2, 'N/E');

    // Act
    const parsed = parseDofPage(toBytes(edited));

    // Assess
    expect(parsed.rates[0]).toMatchObject({ key: 'dof', value: 20.5772, date: '2020-11-12' });
  });

  it('reports a layout change when no row has a DOF value', () => {
    // Prepare
    let edited = page;
    for (const row of dataRows(page)) {
      let seen = -1;
      edited = edited.replace(
        row,
        row.replace(CELL, (whole, open: string, _text: string, close: string) => {
          seen += 1;
          return seen === 2 ? `${open}N/E${close}` : whole;
        }),
      );
    }

    // Act
    const error = thrownBy(() => parseDofPage(toBytes(edited)));

    // Assess
    expectProviderError(error, 'layout_changed');
  });

  it.each([
    ['Para pagos', 'Para pago'],
    ['Fecha', 'Fecha de publicaci&oacute;n'],
    ['FIX', 'Fix determinado'],
  ])('reports a layout change when the header %j becomes %j', (from, to) => {
    // Prepare
    const header = /<tr class="renglonTituloColumnas"[\s\S]*?<\/tr>/.exec(page)?.[0] ?? '';
    const edited = page.replace(header, header.replace(from, to));

    // Act
    const error = thrownBy(() => parseDofPage(toBytes(edited)));

    // Assess
    expect(edited).not.toBe(page);
    expectProviderError(error, 'layout_changed');
  });

  it.each([
    ['an unrelated page', '<html><body><p>Servicio no disponible</p></body></html>'],
    ['an empty body', ''],
    ['binary noise', '\u0000\u00ff\u0013<<>>&&'],
    [
      'a header row and no data',
      '<table><tr class="renglonTituloColumnas"><td>Fecha</td><td>FIX</td><td>Publicación DOF</td><td>Para pagos</td></tr></table>',
    ],
  ])('reports a layout change for %s', (_name, html) => {
    // Act
    const error = thrownBy(() => parseDofPage(toBytes(html)));

    // Assess
    expectProviderError(error, 'layout_changed');
  });

  it('ignores the renglonPar and renglonNon classes outside the data table', () => {
    // Prepare: a decoy row with the data-row classes before the header.
    const decoy =
      '<table><tr class="renglonNon"><td>16/11/2020</td><td>1.0000</td><td>1.0000</td><td>1.0000</td></tr></table>';
    const edited = page.replace('<table width="100%" cellspacing="0" border="0">', `${decoy}$&`);

    // Act
    const parsed = parseDofPage(toBytes(edited));

    // Assess
    expect(edited).toContain(decoy);
    expect(parsed.rates.map((rate) => rate.date)).toEqual(['2020-11-13', '2020-11-15']);
  });

  it.each([
    ['0.0000', 'zero'],
    ['-20.5303', 'negative'],
    ['2000.0000', 'a hundredfold'],
  ])('rejects a DOF value of %s (%s) as invalid_value', (value) => {
    // Prepare
    const edited = withCell('13/11/2020', 2, value);

    // Act
    const error = thrownBy(() => parseDofPage(toBytes(edited)));

    // Assess
    expectProviderError(error, 'invalid_value');
  });

  it('rejects an implausible FIX even though it is not served', () => {
    // Prepare
    const edited = withCell('10/11/2020', 1, '0.0487');

    // Act
    const error = thrownBy(() => parseDofPage(toBytes(edited)));

    // Assess
    expectProviderError(error, 'invalid_value');
  });

  it('reports a layout change when rows have a fifth cell', () => {
    // Prepare: the page's commented-out fifth cell, uncommented.
    const edited = page.replaceAll('<!--td>', '<td>').replaceAll('</td-->', '</td>');

    // Act
    const error = thrownBy(() => parseDofPage(toBytes(edited)));

    // Assess
    expect(edited).not.toBe(page);
    expectProviderError(error, 'layout_changed');
  });

  it('reports a layout change when a row has three cells', () => {
    // Prepare
    const row = dataRows(page)[2] ?? '';
    const edited = page.replace(row, row.replace(/<td align="right">\s*20\.4833\s*<\/td>/, ''));

    // Act
    const error = thrownBy(() => parseDofPage(toBytes(edited)));

    // Assess
    expect(edited).not.toBe(page);
    expectProviderError(error, 'layout_changed');
  });

  it.each([
    ['31/02/2020', 'an impossible date'],
    ['2020-11-13', 'an ISO date'],
    ['13/11/20', 'a two-digit year'],
  ])('reports a layout change for a Fecha of %s (%s)', (date) => {
    // Prepare
    const edited = withCell('13/11/2020', 0, date);

    // Act
    const error = thrownBy(() => parseDofPage(toBytes(edited)));

    // Assess
    expectProviderError(error, 'layout_changed');
  });

  it.each(['20.53', '20,5303', '20.5303 MXN', '', 'n/d'])(
    'reports a layout change for a value of %j',
    (value) => {
      // Prepare
      const edited = withCell('12/11/2020', 3, value);

      // Act
      const error = thrownBy(() => parseDofPage(toBytes(edited)));

      // Assess
      expectProviderError(error, 'layout_changed');
    },
  );

  it('reports a layout change when rows are not newest first', () => {
    // Prepare
    const [first, second] = dataRows(page);
    const edited = page
      .replace(`${first}`, '\u0000')
      .replace(`${second}`, `${first}`)
      .replace('\u0000', `${second}`);

    // Act
    const error = thrownBy(() => parseDofPage(toBytes(edited)));

    // Assess
    expect(edited).not.toBe(page);
    expectProviderError(error, 'layout_changed');
  });

  it('reports a layout change when a row is duplicated', () => {
    // Prepare
    const row = dataRows(page)[3] ?? '';
    const edited = page.replace(row, `${row}\n${row}`);

    // Act
    const error = thrownBy(() => parseDofPage(toBytes(edited)));

    // Assess
    expectProviderError(error, 'layout_changed');
  });

  it('reports a layout change when a day is missing between rows', () => {
    // Prepare
    const row = dataRows(page)[3] ?? '';
    const edited = page.replace(row, '');

    // Act
    const error = thrownBy(() => parseDofPage(toBytes(edited)));

    // Assess
    expectProviderError(error, 'layout_changed');
  });

  it('reads a page cut after its newest rows', () => {
    // Prepare: only the three newest rows kept.
    const rows = dataRows(page);
    let edited = page;
    for (const row of rows.slice(3)) edited = edited.replace(row, '');

    // Act
    const parsed = parseDofPage(toBytes(edited));

    // Assess
    expect(parsed.rates.map((rate) => [rate.value, rate.date])).toEqual([
      [20.5303, '2020-11-13'],
      [20.5303, '2020-11-15'],
    ]);
    expect(parsed.fixByDate).toEqual({ '2020-11-13': 20.4833 });
  });
});

describe('fetchDofRates', () => {
  let server: LocalHttpServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('gets the configured page and parses it', async () => {
    // Prepare
    server = await startLocalHttpServer(answer(200, capture, { 'Content-Type': 'text/html' }));
    const ctx = providerContextFor(server.url);

    // Act
    const parsed = await fetchDofRates(ctx);

    // Assess
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/tipcamb/tipCamMIAction.do' });
    expect(parsed.rates.map((rate) => [rate.key, rate.value, rate.date])).toEqual([
      ['dof', 20.5303, '2020-11-13'],
      ['dof_para_pagos', 20.5303, '2020-11-15'],
    ]);
    expect(parsed.rates[0]?.source).toContain(`${server.url}/tipcamb/tipCamMIAction.do`);
  });

  it('reports an HTTP 500 as upstream_error', async () => {
    // Prepare
    server = await startLocalHttpServer(answer(500, '<html>Error</html>'));
    const ctx = providerContextFor(server.url);

    // Act
    const error = await rejectionOf(fetchDofRates(ctx));

    // Assess
    expectProviderError(error, 'upstream_error');
    expect(error instanceof Error ? error.message : '').toBe('DOF page answered HTTP 500');
  });

  it('reports a page that never arrives as timeout at the deadline', async () => {
    // Prepare
    server = await startLocalHttpServer(() => {});
    const ctx = providerContextFor(server.url, { timeoutMs: 300 });

    // Act
    const error = await rejectionOf(fetchDofRates(ctx));

    // Assess
    expectProviderError(error, 'timeout');
    expect(error instanceof Error ? error.message : '').toBe('DOF page did not answer within 300 ms');
  });

  it('reports a refused connection as upstream_error', async () => {
    // Prepare
    const ctx = providerContextFor(`http://127.0.0.1:${refusedPort()}`);

    // Act
    const error = await rejectionOf(fetchDofRates(ctx));

    // Assess
    expectProviderError(error, 'upstream_error');
  });
});
