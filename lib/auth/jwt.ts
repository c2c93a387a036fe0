import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { isPlan, type Plan } from '../core/plan.js';
import { CLOCK_TOLERANCE_SECONDS } from './credentials.js';

export { CLOCK_TOLERANCE_SECONDS };

/**
 * Access tokens: HS256 JWTs signed with JWT_SECRET. Verification pins the algorithm
 * (a token's own `alg` is never trusted, so `none`, HS512 or RS256 tokens fail),
 * requires `exp`, `iss`, `aud`, `sub`, `jti` and a known `plan`, and allows at most
 * CLOCK_TOLERANCE_SECONDS of clock skew.
 */
export const TOKEN_ISSUER = 'tipo-de-cambio';
export const TOKEN_AUDIENCE = 'tipo-de-cambio-api';
/** Far above any token we issue (~300 bytes); refuses oversized input before parsing it. */
export const MAX_TOKEN_LENGTH = 2048;

const ALGORITHM = 'HS256';

export interface TokenSubject {
  clientId: string;
  plan: Plan;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export interface VerifiedToken extends TokenSubject {
  /** Epoch seconds. */
  expiresAt: number;
  tokenId: string;
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
  /** A short reason safe to log; never the token. */
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid token: ${reason}`, options);
  }
}

export function issueAccessToken(
  subject: TokenSubject,
  options: { secret: string; ttlSeconds: number; nowMs: number },
): IssuedToken {
  const iat = Math.floor(options.nowMs / 1000);
  const accessToken = jwt.sign({ plan: subject.plan, iat, exp: iat + options.ttlSeconds }, options.secret, {
    algorithm: ALGORITHM,
    issuer: TOKEN_ISSUER,
    audience: TOKEN_AUDIENCE,
    subject: subject.clientId,
    jwtid: randomUUID(),
  });
  return { accessToken, expiresIn: options.ttlSeconds };
}

export function verifyAccessToken(token: string, options: { secret: string; nowMs: number }): VerifiedToken {
  if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('too long');
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, options.secret, {
      algorithms: [ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      clockTimestamp: Math.floor(options.nowMs / 1000),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unverifiable';
    throw new InvalidTokenError(reason, { cause: error });
  }
  if (typeof payload === 'string') throw new InvalidTokenError('payload is not a claims object');
  // jsonwebtoken checks exp only when present; a token without one would never expire.
  if (typeof payload.exp !== 'number') throw new InvalidTokenError('exp missing');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('sub missing');
  if (typeof payload.jti !== 'string' || payload.jti === '') throw new InvalidTokenError('jti missing');
  if (!isPlan(payload.plan)) throw new InvalidTokenError('plan missing or unknown');
  return { clientId: payload.sub, plan: payload.plan, expiresAt: payload.exp, tokenId: payload.jti };
}

/**
 * `verifyAccessToken` with a per-instance memory of tokens already verified (at most `max`,
 * oldest forgotten first), for the authorizer: an HS256 check through jsonwebtoken costs
 * about 0.4 ms of CPU here, as much as the quota write. The key is the exact token string,
 * so only a byte-identical token that verified under the same secret is answered from
 * memory, and its `exp` is still checked on every use with the same CLOCK_TOLERANCE_SECONDS
 * (RFC 7519 §4.1.4). Errors: InvalidTokenError, as verifyAccessToken.
 */
export function rememberVerifiedTokens(max = 1000): typeof verifyAccessToken {
  const remembered = new Map<string, { secret: string; verified: VerifiedToken }>();
  return (token, options) => {
    const hit = remembered.get(token);
    if (hit !== undefined && hit.secret === options.secret) {
      if (Math.floor(options.nowMs / 1000) < hit.verified.expiresAt + CLOCK_TOLERANCE_SECONDS)
        return hit.verified;
      remembered.delete(token);
      throw new InvalidTokenError('jwt expired');
    }
    const verified = verifyAccessToken(token, options);
    remembered.set(token, { secret: options.secret, verified });
    if (remembered.size > max) {
      const oldest = remembered.keys().next();
      if (!oldest.done) remembered.delete(oldest.value);
    }
    return verified;
  };
}
