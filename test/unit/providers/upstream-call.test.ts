import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../lib/core/provider-error.js';
import { fetchBanxicoFix } from '../../../lib/providers/banxico.js';
import { fetchDofRates } from '../../../lib/providers/dof.js';
import { networkFailure } from '../../../lib/providers/upstream-call.js';
import { refusedPort } from '../../../scripts/lib/owned-ports.js';
import { answer, type LocalHttpServer, startLocalHttpServer } from '../../helpers/local-http-server.js';
import { providerContextFor, rejectionOf } from '../../helpers/provider-context.js';

describe('an unreachable upstream says what failed', () => {
  let server: LocalHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('names a refused connection and the host', async () => {
    const port = refusedPort();
    const ctx = providerContextFor(`http://127.0.0.1:${port}`);

    const error = await rejectionOf(fetchDofRates(ctx));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'upstream_error',
      message: `DOF page: could not reach 127.0.0.1:${port}: connection refused`,
    });
  });

  it('names a TLS failure (https spoken to a plain HTTP server), never the token', async () => {
    server = await startLocalHttpServer(answer(200, 'plain'));
    const ctx = providerContextFor(server.url.replace('http://', 'https://'), {
      banxicoToken: 't'.repeat(64),
    });

    const error = await rejectionOf(fetchBanxicoFix(ctx));

    expect(error).toMatchObject({ code: 'upstream_error' });
    expect((error as Error).message).toMatch(/^Banxico SIE: could not reach 127\.0\.0\.1:\d+: TLS failed \(/);
    expect((error as Error).message).not.toContain('tttt');
  });

  it.each([
    ['ENOTFOUND', 'DNS lookup failed (ENOTFOUND)'],
    ['EAI_AGAIN', 'DNS lookup failed (EAI_AGAIN)'],
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset (ECONNRESET)'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'TLS failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE)'],
    ['CERT_HAS_EXPIRED', 'TLS failed (CERT_HAS_EXPIRED)'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS failed (ERR_TLS_CERT_ALTNAME_INVALID)'],
    ['EPROTO', 'TLS failed (EPROTO)'],
    ['EHOSTUNREACH', 'network unreachable (EHOSTUNREACH)'],
    [undefined, 'network error'],
  ])('describes %s as "%s"', (code, words) => {
    expect(networkFailure(code)).toBe(words);
  });
});
