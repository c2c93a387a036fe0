import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDofPage, DOF_PAGE_ASSERTIONS } from '../../lib/providers/contracts/dof-page.js';
import { checkUpstreamAnswer, validateUpstreamSchema } from '../../scripts/lib/upstream-contracts.js';
import { capturesDir, DOF_CAPTURE, readCapture, readFixture } from '../helpers/upstream-files.js';

/** The upstream contracts (lib/providers/contracts/) hold on every real capture and on our fixtures. */

const answer = (body: Buffer | string, status = 200) => ({
  status,
  body: typeof body === 'string' ? Buffer.from(body) : body,
});
const json = (buffer: Buffer): unknown => JSON.parse(buffer.toString('utf8'));

describe('upstream contracts on the real captures', () => {
  it('every SIE capture, oportuno and range, SF43718 and SF60653, matches the series schema', () => {
    const captures = readdirSync(capturesDir).filter((file) => /^banxico-sie_.*\.json$/.test(file));

    // The four captures SOURCES.md lists: a missing one would silently shrink this test.
    expect(captures.sort()).toEqual([
      'banxico-sie_SF43718_oportuno_2020-11-27.json',
      'banxico-sie_SF43718_range_2020-11-26_2020-11-27.json',
      'banxico-sie_SF60653_oportuno_asof-2020-11-29.json',
      'banxico-sie_SF60653_range_2020-11-26_2020-11-27.json',
    ]);
    for (const file of captures) {
      expect(validateUpstreamSchema('sieSeries', json(readCapture(file))), file).toEqual([]);
      expect(checkUpstreamAnswer('banxico', answer(readCapture(file))).shape).toBe('success');
    }
  });

  it('the DOF page capture passes every structural assertion', () => {
    const report = checkDofPage(readCapture(DOF_CAPTURE));

    expect(report.violations).toEqual([]);
    expect(report).toMatchObject({ rows: 7, newestDate: '15/11/2020' });
  });
});

describe('upstream contracts on our fixtures', () => {
  it('Fixer latest matches the success schema, 101/104/105 the error schema', () => {
    expect(checkUpstreamAnswer('fixer', answer(readFixture('fixer_latest_documented-example.json')))).toEqual(
      {
        shape: 'success',
        violations: [],
        summary: 'latest 2020-11-27, base EUR',
      },
    );
    for (const file of [
      'fixer_error_101_invalid-access-key.json',
      'fixer_error_104_usage-limit-reached.json',
      'fixer_error_105_base-currency-access-restricted.json',
    ]) {
      const verdict = checkUpstreamAnswer('fixer', answer(readFixture(file)));
      expect([verdict.shape, verdict.violations], file).toEqual(['error', []]);
    }
  });

  it('SIE Token inválido and over-limit match the error schema', () => {
    for (const file of [
      'banxico-sie_error_token-invalido.json',
      'banxico-sie_error_limite-de-consultas.json',
    ]) {
      const verdict = checkUpstreamAnswer('banxico', answer(readFixture(file), 400));
      expect([verdict.shape, verdict.violations], file).toEqual(['error', []]);
    }
  });
});

describe('a changed upstream breaks its contract, naming what changed', () => {
  it('Fixer: rates renamed, a rate sent as a string', () => {
    const fixture = readFixture('fixer_latest_documented-example.json').toString();

    expect(checkUpstreamAnswer('fixer', answer(fixture.replace('"rates"', '"quotes"'))).violations).toEqual([
      "(body) must have required property 'rates'",
    ]);
    expect(checkUpstreamAnswer('fixer', answer(fixture.replace('24.01', '"24.01"'))).violations).toEqual([
      '/rates/MXN must be number',
    ]);
  });

  it('SIE: dato as a number, a fecha in ISO form, no bmx', () => {
    const capture = readCapture('banxico-sie_SF43718_oportuno_2020-11-27.json').toString();

    expect(
      checkUpstreamAnswer('banxico', answer(capture.replace('"20.0777"', '20.0777'))).violations,
    ).toEqual(['/bmx/series/0/datos/0/dato must be string']);
    expect(
      checkUpstreamAnswer('banxico', answer(capture.replace('27/11/2020', '2020-11-27'))).violations,
    ).toEqual(['/bmx/series/0/datos/0/fecha must match pattern "^\\d{2}/\\d{2}/\\d{4}$"']);
    expect(
      checkUpstreamAnswer('banxico', answer(capture.replace('"bmx"', '"resultado"'))).violations,
    ).toEqual(["(body) must have required property 'bmx'"]);
  });

  it('DOF: header renamed, a fifth cell, a value with 2 decimals', () => {
    const page = readCapture(DOF_CAPTURE).toString('latin1');
    const check = (html: string) =>
      checkDofPage(Buffer.from(html, 'latin1')).violations.map((violation) => violation.assertion);

    expect(check(page.replace('Para pagos', 'Para pago'))).toEqual([
      'header cells: Fecha | FIX | Publicación DOF | Para pagos',
    ]);
    // The page's commented-out fifth cell, brought back.
    const uncommented = page.replace(/<!--td>/g, '<td>').replace(/<\/td-->/g, '</td>');
    expect(check(uncommented)).toContain('every data row: exactly 4 td');
    expect(check(page.replace('20.5303', '20.53'))).toEqual(['value cells: a number with 4 decimals or N/E']);
    expect(check(page.replace(/renglonTituloColumnas/g, 'encabezado'))).toEqual([
      'one header row tr.renglonTituloColumnas',
    ]);
  });

  it('DOF: each structural assertion is one a broken page can violate', () => {
    const page = readCapture(DOF_CAPTURE).toString('latin1');
    const check = (html: string) =>
      checkDofPage(Buffer.from(html, 'latin1')).violations.map((violation) => violation.assertion);
    const broken = [
      page.replace(/renglonTituloColumnas/g, 'encabezado'),
      page.replace('Para pagos', 'Para pago'),
      page.replace(/<tr class="renglon(?:Non|Par)" align="center">[\s\S]*?<\/tr>/g, ''),
      page.replace(/<!--td>/g, '<td>').replace(/<\/td-->/g, '</td>'),
      page.replace('15/11/2020', '2020-11-15'),
      page.replace('20.5303', '20.53'),
      page.replace('13/11/2020', '12/11/2020'),
      page.replace(/\d+\.\d{4}/g, 'N/E'),
    ];

    const violated = new Set(broken.flatMap(check));

    // Every assertion the contract lists is actually checked: none is a name without a check.
    expect([...violated].sort()).toEqual([...DOF_PAGE_ASSERTIONS].sort());
  });
});
