import { afterEach, describe, expect, it } from 'vitest';
import { fetchBanxicoFix, parseBanxicoSeries } from '../../../lib/providers/banxico.js';
import { answer, type LocalHttpServer, startLocalHttpServer } from '../../helpers/local-http-server.js';
import {
  everythingShownOf,
  expectProviderError,
  providerContextFor,
  rejectionOf,
  thrownBy,
} from '../../helpers/provider-context.js';
import {
  readCapture,
  readFixture,
  SIE_OPORTUNO_CAPTURE,
  SIE_RANGE_CAPTURE,
} from '../../helpers/upstream-files.js';

const TOKEN = 'a1b2c3d4'.repeat(8);
const oportunoJson = readCapture(SIE_OPORTUNO_CAPTURE);
const oportunoXml = readFixture('banxico-sie_SF43718_oportuno_2020-11-27.xml');
const JSON_TYPE = 'application/json;charset=UTF-8';
const XML_TYPE = 'application/xml;charset=UTF-8';

function seriesJson(datos: unknown, idSerie = 'SF43718'): Buffer {
  return Buffer.from(JSON.stringify({ bmx: { series: [{ idSerie, titulo: 'cualquier título', datos }] } }));
}

const EXPECTED_RATE = {
  key: 'banxico',
  value: 20.0777,
  date: '2020-11-27',
  lastUpdated: '2020-11-27T18:00:00.000Z',
  kind: 'fix',
  source:
    'Banxico SIE — serie SF43718 (FIX), https://www.banxico.org.mx/SieAPIRest/service/v1/series/SF43718/datos/oportuno',
  provenance: { series_id: 'SF43718', row_date: '2020-11-27' },
};

describe('parseBanxicoSeries', () => {
  it('reads the real oportuno JSON capture', () => {
    // Act
    const parsed = parseBanxicoSeries(oportunoJson, JSON_TYPE);

    // Assess
    expect(parsed.rates).toEqual([EXPECTED_RATE]);
  });

  it('reads the same observation rendered as XML', () => {
    // Act
    const parsed = parseBanxicoSeries(oportunoXml, XML_TYPE);

    // Assess
    expect(parsed.rates).toEqual([EXPECTED_RATE]);
  });

  it.each([
    ['JSON', oportunoJson],
    ['XML', oportunoXml],
  ])('recognises %s without a Content-Type', (_format, body) => {
    // Act
    const parsed = parseBanxicoSeries(body, undefined);

    // Assess
    expect(parsed.rates[0]?.value).toBe(20.0777);
  });

  it('picks the newest date of a range that comes oldest first', () => {
    // Act
    const parsed = parseBanxicoSeries(readCapture(SIE_RANGE_CAPTURE), JSON_TYPE);

    // Assess
    expect(parsed.rates[0]).toMatchObject({ value: 20.0777, date: '2020-11-27' });
  });

  it('skips N/E observations', () => {
    // Prepare
    const body = seriesJson([
      { fecha: '26/11/2020', dato: '20.0467' },
      { fecha: '27/11/2020', dato: 'N/E' },
    ]);

    // Act
    const parsed = parseBanxicoSeries(body, JSON_TYPE);

    // Assess
    expect(parsed.rates[0]).toMatchObject({ value: 20.0467, date: '2020-11-26' });
  });

  it('skips N/E observations in XML', () => {
    // Prepare
    const body = Buffer.from(
      '<series><serie idSerie="SF43718" titulo="x"><Obs><dato>N/E</dato><fecha>27/11/2020</fecha></Obs>' +
        '<Obs><dato>20.0467</dato><fecha>26/11/2020</fecha></Obs></serie></series>',
    );

    // Act
    const parsed = parseBanxicoSeries(body, XML_TYPE);

    // Assess
    expect(parsed.rates[0]).toMatchObject({ value: 20.0467, date: '2020-11-26' });
  });

  it('matches the series by idSerie whatever its titulo says', () => {
    // Prepare
    const retitled = Buffer.from(
      oportunoJson.toString('utf8').replace(/"titulo": "[^"]*"/, '"titulo": "FIX  NUEVO   TÍTULO"'),
    );

    // Act
    const parsed = parseBanxicoSeries(retitled, JSON_TYPE);

    // Assess
    expect(retitled.equals(oportunoJson)).toBe(false);
    expect(parsed.rates[0]?.value).toBe(20.0777);
  });

  it.each([
    ['only another series', readCapture('banxico-sie_SF60653_oportuno_asof-2020-11-29.json'), JSON_TYPE],
    ['datos as an object', seriesJson({ fecha: '27/11/2020', dato: '20.0777' }), JSON_TYPE],
    ['a numeric dato', seriesJson([{ fecha: '27/11/2020', dato: 20.0777 }]), JSON_TYPE],
    ['an impossible fecha', seriesJson([{ fecha: '31/02/2020', dato: '20.0777' }]), JSON_TYPE],
    ['a dato that is text', seriesJson([{ fecha: '27/11/2020', dato: 'veinte' }]), JSON_TYPE],
    ['no bmx', Buffer.from('{"series":[]}'), JSON_TYPE],
    ['XML without the serie', Buffer.from('<series><serie idSerie="SF60653"></serie></series>'), XML_TYPE],
    [
      'XML Obs without fecha',
      Buffer.from('<series><serie idSerie="SF43718"><Obs><dato>20.1</dato></Obs></serie></series>'),
      XML_TYPE,
    ],
  ])('reports %s as layout_changed', (_name, body, contentType) => {
    // Act
    const error = thrownBy(() => parseBanxicoSeries(body, contentType));

    // Assess
    expectProviderError(error, 'layout_changed');
  });

  it.each([
    ['only N/E', seriesJson([{ fecha: '27/11/2020', dato: 'N/E' }]), JSON_TYPE],
    ['N/E with spaces', seriesJson([{ fecha: '27/11/2020', dato: ' N/E ' }]), JSON_TYPE],
    ['no datos', seriesJson(undefined), JSON_TYPE],
    ['empty datos', seriesJson([]), JSON_TYPE],
    [
      'XML with only N/E',
      Buffer.from(
        '<series><serie idSerie="SF43718" titulo="x"><Obs><dato>N/E</dato><fecha>27/11/2020</fecha></Obs></serie></series>',
      ),
      XML_TYPE,
    ],
    [
      'XML serie without Obs',
      Buffer.from('<series><serie idSerie="SF43718" titulo="x"></serie></series>'),
      XML_TYPE,
    ],
  ])('reports %s as not_published, not as a layout change', (_name, body, contentType) => {
    // Act
    const error = thrownBy(() => parseBanxicoSeries(body, contentType));

    // Assess
    expectProviderError(error, 'not_published');
    expect((error as Error).message).toBe('Banxico SIE has published no SF43718 value yet (N/E or no data)');
  });

  it('reports a JSON body that does not parse as upstream_error', () => {
    // Act
    const error = thrownBy(() => parseBanxicoSeries(Buffer.from('{"bmx":{"series":['), JSON_TYPE));

    // Assess
    expectProviderError(error, 'upstream_error');
  });

  it.each(['2000.0000', '0', '-20.0777'])('reports a dato of %s as invalid_value', (dato) => {
    // Act
    const error = thrownBy(() => parseBanxicoSeries(seriesJson([{ fecha: '27/11/2020', dato }]), JSON_TYPE));

    // Assess
    expectProviderError(error, 'invalid_value');
  });

  it('reports an error object in a 200 body by its mensaje', () => {
    // Act
    const error = thrownBy(() =>
      parseBanxicoSeries(readFixture('banxico-sie_error_token-invalido.json'), JSON_TYPE),
    );

    // Assess
    expectProviderError(error, 'unauthorized_upstream');
  });
});

describe('fetchBanxicoFix', () => {
  let server: LocalHttpServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('asks for JSON with the token in the Bmx-Token header', async () => {
    // Prepare
    server = await startLocalHttpServer(answer(200, oportunoJson, { 'Content-Type': JSON_TYPE }));
    const ctx = providerContextFor(server.url, { banxicoToken: TOKEN });

    // Act
    const parsed = await fetchBanxicoFix(ctx);

    // Assess
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.url).toBe('/SieAPIRest/service/v1/series/SF43718,SF60653/datos/oportuno');
    expect(server.requests[0]?.headers).toMatchObject({ 'bmx-token': TOKEN, accept: 'application/json' });
    expect(parsed.rates[0]).toMatchObject({ value: 20.0777, date: '2020-11-27' });
    expect(JSON.stringify(parsed)).not.toContain(TOKEN);
  });

  it('asks for XML when configured so and reads it', async () => {
    // Prepare
    server = await startLocalHttpServer(answer(200, oportunoXml, { 'Content-Type': XML_TYPE }));
    const ctx = providerContextFor(server.url, { banxicoToken: TOKEN, banxicoFormat: 'xml' });

    // Act
    const parsed = await fetchBanxicoFix(ctx);

    // Assess
    expect(server.requests[0]?.url).toBe(
      '/SieAPIRest/service/v1/series/SF43718,SF60653/datos/oportuno?mediaType=xml',
    );
    expect(server.requests[0]?.headers).toMatchObject({ 'bmx-token': TOKEN, accept: 'application/xml' });
    expect(parsed.rates[0]).toMatchObject({ value: 20.0777, date: '2020-11-27' });
  });

  it('fails without calling Banxico when no token is configured', async () => {
    // Prepare
    server = await startLocalHttpServer(answer(200, oportunoJson));
    const ctx = providerContextFor(server.url, { banxicoToken: '' });

    // Act
    const error = await rejectionOf(fetchBanxicoFix(ctx));

    // Assess
    expectProviderError(error, 'not_configured');
    expect((error as Error).message).toMatch(/^BANXICO_TOKEN is not set: .*`npm run start:sandbox`/);
    expect(server.requests).toHaveLength(0);
  });

  it('maps HTTP 400 "Token inválido" to unauthorized_upstream without revealing the token', async () => {
    // Prepare
    const body = readFixture('banxico-sie_error_token-invalido.json');
    server = await startLocalHttpServer(answer(400, body, { 'Content-Type': JSON_TYPE }));
    const ctx = providerContextFor(server.url, { banxicoToken: TOKEN });

    // Act
    const error = await rejectionOf(fetchBanxicoFix(ctx));

    // Assess
    expectProviderError(error, 'unauthorized_upstream');
    expect(everythingShownOf(error)).not.toContain(TOKEN);
  });

  it('maps HTTP 429 over the limit to quota_exhausted with secondsToReset from the body', async () => {
    // Prepare
    const body = readFixture('banxico-sie_error_limite-de-consultas.json');
    server = await startLocalHttpServer(
      answer(429, body, { 'Content-Type': JSON_TYPE, 'Bmx-secondsToReset': '99' }),
    );
    const ctx = providerContextFor(server.url, { banxicoToken: TOKEN });

    // Act
    const error = await rejectionOf(fetchBanxicoFix(ctx));

    // Assess
    expectProviderError(error, 'quota_exhausted');
    expect(error).toMatchObject({ retryAfterSeconds: 42 });
    expect(everythingShownOf(error)).not.toContain(TOKEN);
  });

  it('maps HTTP 400 "Límite de consultas" to quota_exhausted with the reset header', async () => {
    // Prepare
    const body = JSON.stringify({ error: { mensaje: 'Límite de consultas superado.', detalle: 'x' } });
    server = await startLocalHttpServer(
      answer(400, body, { 'Content-Type': JSON_TYPE, 'Bmx-secondsToReset': '99' }),
    );
    const ctx = providerContextFor(server.url, { banxicoToken: TOKEN });

    // Act
    const error = await rejectionOf(fetchBanxicoFix(ctx));

    // Assess
    expectProviderError(error, 'quota_exhausted');
    expect(error).toMatchObject({ retryAfterSeconds: 99 });
  });

  it('maps HTTP 500 to upstream_error', async () => {
    // Prepare
    server = await startLocalHttpServer(answer(500, '<html>Internal Server Error</html>'));
    const ctx = providerContextFor(server.url, { banxicoToken: TOKEN });

    // Act
    const error = await rejectionOf(fetchBanxicoFix(ctx));

    // Assess
    expectProviderError(error, 'upstream_error');
    expect(error).toMatchObject({ message: 'Banxico SIE answered HTTP 500' });
  });

  it('maps a 200 body with an unrecognised error object to upstream_error', async () => {
    // Prepare
    const body = JSON.stringify({ error: { mensaje: 'Serie no encontrada', detalle: 'x' } });
    server = await startLocalHttpServer(answer(200, body, { 'Content-Type': JSON_TYPE }));
    const ctx = providerContextFor(server.url, { banxicoToken: TOKEN });

    // Act
    const error = await rejectionOf(fetchBanxicoFix(ctx));

    // Assess
    expectProviderError(error, 'upstream_error');
  });

  it('reports a hang as timeout at the deadline', async () => {
    // Prepare
    server = await startLocalHttpServer(() => {});
    const ctx = providerContextFor(server.url, { banxicoToken: TOKEN, timeoutMs: 300 });

    // Act
    const error = await rejectionOf(fetchBanxicoFix(ctx));

    // Assess
    expectProviderError(error, 'timeout');
    expect(error instanceof Error ? error.message : '').toBe('Banxico SIE did not answer within 300 ms');
    expect(everythingShownOf(error)).not.toContain(TOKEN);
  });
});
