import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import {
  InvalidTokenError,
  issueAccessToken,
  rememberVerifiedTokens,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  verifyAccessToken,
} from '../../../lib/auth/jwt.js';

const SECRET = 'jwt-secret-for-tests-0123456789abcdef';
const NOW = Date.parse('2025-03-04T10:20:19.000Z');

describe('access tokens', () => {
  it('issues an HS256 token with sub, iss, aud, iat, exp, jti and plan', () => {
    const { accessToken, expiresIn } = issueAccessToken(
      { clientId: 'cl_abc', plan: 'pro' },
      { secret: SECRET, ttlSeconds: 3600, nowMs: NOW },
    );

    const decoded = jwt.decode(accessToken, { complete: true });
    expect(expiresIn).toBe(3600);
    expect(decoded?.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decoded?.payload).toEqual({
      sub: 'cl_abc',
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      iat: NOW / 1000,
      exp: NOW / 1000 + 3600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      plan: 'pro',
    });
  });

  it('verifies its own tokens', () => {
    const { accessToken } = issueAccessToken(
      { clientId: 'cl_abc', plan: 'free' },
      { secret: SECRET, ttlSeconds: 60, nowMs: NOW },
    );

    expect(verifyAccessToken(accessToken, { secret: SECRET, nowMs: NOW + 30_000 })).toMatchObject({
      clientId: 'cl_abc',
      plan: 'free',
      expiresAt: NOW / 1000 + 60,
    });
  });

  it('tolerates 60 s of clock skew past exp, as the README promises, and no more', () => {
    const { accessToken } = issueAccessToken(
      { clientId: 'cl_abc', plan: 'free' },
      { secret: SECRET, ttlSeconds: 60, nowMs: NOW },
    );

    // exp = NOW + 60 s; expired from exp + 60 s on.
    expect(() => verifyAccessToken(accessToken, { secret: SECRET, nowMs: NOW + 119_999 })).not.toThrow();
    expect(() => verifyAccessToken(accessToken, { secret: SECRET, nowMs: NOW + 120_000 })).toThrow(
      InvalidTokenError,
    );
  });

  it('rejects a token without jti or plan even when correctly signed', () => {
    const base = { sub: 'cl_abc', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: NOW / 1000 + 60 };
    const noJti = jwt.sign({ ...base, plan: 'free' }, SECRET, { algorithm: 'HS256' });
    const badPlan = jwt.sign({ ...base, plan: 'gold', jti: 'x' }, SECRET, { algorithm: 'HS256' });

    expect(() => verifyAccessToken(noJti, { secret: SECRET, nowMs: NOW })).toThrow('jti missing');
    expect(() => verifyAccessToken(badPlan, { secret: SECRET, nowMs: NOW })).toThrow('plan missing');
  });
});

describe('rememberVerifiedTokens', () => {
  const issued = () =>
    issueAccessToken({ clientId: 'cl_abc', plan: 'pro' }, { secret: SECRET, ttlSeconds: 3600, nowMs: NOW })
      .accessToken;
  const reason = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error instanceof InvalidTokenError ? error.reason : String(error);
    }
    return 'accepted';
  };

  it('answers a token it verified with the same claims, until exp plus the 60 s skew', () => {
    const verify = rememberVerifiedTokens();
    const token = issued();
    const first = verify(token, { secret: SECRET, nowMs: NOW });

    expect(verify(token, { secret: SECRET, nowMs: NOW + 3_659_999 })).toBe(first);
    expect(reason(() => verify(token, { secret: SECRET, nowMs: NOW + 3_660_000 }))).toBe('jwt expired');
  });

  it('verifies afresh under another secret, and a token differing by one byte', () => {
    const verify = rememberVerifiedTokens();
    const token = issued();
    verify(token, { secret: SECRET, nowMs: NOW });

    expect(reason(() => verify(token, { secret: `${SECRET}x`, nowMs: NOW }))).toBe('invalid signature');
    // Change the signature's first character, whose 6 bits all count: the last one of a
    // 43-character base64url HMAC carries 2 padding bits, so 'A'..'D' there decode alike.
    const at = token.lastIndexOf('.') + 1;
    const tampered = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect(reason(() => verify(tampered, { secret: SECRET, nowMs: NOW }))).toBe('invalid signature');
  });

  it('never remembers a refusal', () => {
    const verify = rememberVerifiedTokens();
    const token = issued();
    expect(reason(() => verify(token, { secret: `${SECRET}x`, nowMs: NOW }))).toBe('invalid signature');
    expect(reason(() => verify(token, { secret: SECRET, nowMs: NOW }))).toBe('accepted');
  });
});
