import { afterEach, describe, expect, it } from 'vitest';
import {
  createHttpClient,
  OutboundNetworkError,
  OutboundTimeoutError,
  redactUrl,
} from '../../../lib/outbound/http-client.js';
import { refusedPort } from '../../../scripts/lib/owned-ports.js';
import { answer, type LocalHttpServer, startLocalHttpServer } from '../../helpers/local-http-server.js';

const SECRET = 'k3y-that-must-not-leak-0123456789';

describe('createHttpClient', () => {
  let server: LocalHttpServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('returns status, lower-cased headers and the raw body bytes', async () => {
    // Prepare
    const bytes = Buffer.from([0x50, 0x75, 0x62, 0x6c, 0x69, 0x63, 0x61, 0x63, 0x69, 0xf3, 0x6e]);
    server = await startLocalHttpServer(
      answer(200, bytes, { 'Content-Type': 'text/html; charset=windows-1252' }),
    );
    const http = createHttpClient({ timeoutMs: 2000 });

    // Act
    const response = await http.get(`${server.url}/page`, { headers: { 'X-Probe': 'yes' } });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=windows-1252');
    expect(response.body.equals(bytes)).toBe(true);
    expect(server.requests[0]?.headers['x-probe']).toBe('yes');
  });

  it('returns a non-2xx answer instead of throwing', async () => {
    // Prepare
    server = await startLocalHttpServer(answer(500, 'boom'));
    const http = createHttpClient({ timeoutMs: 2000 });

    // Act
    const response = await http.get(`${server.url}/`);

    // Assess
    expect(response.status).toBe(500);
    expect(response.body.toString()).toBe('boom');
  });

  it('ends a call to a server that never answers at the deadline', async () => {
    // Prepare
    server = await startLocalHttpServer(() => {});
    const http = createHttpClient({ timeoutMs: 300 });
    const started = performance.now();

    // Act
    const error = await http
      .get(`${server.url}/latest?access_key=${SECRET}`)
      .catch((caught: unknown) => caught);

    // Assess
    // Never before the deadline; when after it depends on the machine, so only the error class says it was the deadline.
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(error).toBeInstanceOf(OutboundTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 300 });
  });

  it('ends a call to a server that trickles its body at the deadline', async () => {
    // Prepare
    const timers: NodeJS.Timeout[] = [];
    server = await startLocalHttpServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      // One byte every 50 ms keeps a socket idle timer from ever firing.
      timers.push(setInterval(() => response.write('.'), 50));
    });
    const http = createHttpClient({ timeoutMs: 400 });

    // Act
    const error = await http.get(`${server.url}/`).catch((caught: unknown) => caught);

    // Assess: the trickle never stops, so only a deadline on the whole call can have ended it.
    for (const timer of timers) clearInterval(timer);
    expect(error).toBeInstanceOf(OutboundTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 400 });
  });

  it('names method and URL in a timeout error with the access key redacted', async () => {
    // Prepare
    server = await startLocalHttpServer(() => {});
    const http = createHttpClient({ timeoutMs: 100 });
    const url = `${server.url}/latest?access_key=${SECRET}&symbols=USD,MXN`;

    // Act
    const error = await http.get(url).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(OutboundTimeoutError);
    expect(String(error)).toBe(
      `OutboundTimeoutError: GET ${server.url}/latest?access_key=***&symbols=USD,MXN did not complete within 100 ms`,
    );
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  it('reports a dropped connection as a network error with the key redacted and the cause kept', async () => {
    // Prepare
    server = await startLocalHttpServer((request) => request.socket.destroy());
    const http = createHttpClient({ timeoutMs: 2000 });

    // Act
    const error = await http.get(`${server.url}/x?token=${SECRET}`).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(OutboundNetworkError);
    const networkError = error instanceof OutboundNetworkError ? error : undefined;
    expect(networkError?.name).toBe('OutboundNetworkError');
    expect(networkError?.message).toContain(`GET ${server.url}/x?token=***`);
    expect(networkError?.cause).toBeInstanceOf(Error);
    expect(String(error)).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  it('reports a refused connection as a network error', async () => {
    // Prepare
    const url = `http://127.0.0.1:${refusedPort()}`;
    const http = createHttpClient({ timeoutMs: 2000 });

    // Act
    const error = await http.get(`${url}/`).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(OutboundNetworkError);
    expect(error instanceof OutboundNetworkError ? error.code : undefined).toBe('ECONNREFUSED');
  });

  it('does not forward a credential header when redirected to another host', async () => {
    // Prepare
    const other = await startLocalHttpServer(answer(200, 'moved here'));
    const otherHostUrl = other.url.replace('127.0.0.1', 'localhost');
    server = await startLocalHttpServer(answer(302, '', { Location: `${otherHostUrl}/target` }));
    const http = createHttpClient({ timeoutMs: 2000 });

    // Act
    const response = await http.get(`${server.url}/start`, { headers: { 'Bmx-Token': SECRET } });

    // Assess
    await other.close();
    expect(response.body.toString()).toBe('moved here');
    expect(server.requests[0]?.headers['bmx-token']).toBe(SECRET);
    expect(other.requests[0]?.headers['bmx-token']).toBeUndefined();
  });
});

describe('redactUrl', () => {
  it('replaces access_key, token and apikey values and keeps the rest', () => {
    // Act
    const redacted = redactUrl('http://h/api/latest?access_key=abc&symbols=USD,MXN&token=t1&APIKEY=z#frag');

    // Assess
    expect(redacted).toBe('http://h/api/latest?access_key=***&symbols=USD,MXN&token=***&APIKEY=***#frag');
  });

  it('replaces credentials in the userinfo part', () => {
    // Act
    const redacted = redactUrl('https://user:pass@example.com/path');

    // Assess
    expect(redacted).toBe('https://***@example.com/path');
  });
});
