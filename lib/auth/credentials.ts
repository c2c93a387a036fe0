import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Fresh credentials for a client. Every value uses URL- and header-safe characters
 * only: client ids and secrets travel in `Authorization: Basic` (where `:` would break
 * the split), and API Gateway wants API keys of at least 20 characters.
 */
export function generateClientId(): string {
  return `cl_${randomBytes(10).toString('hex')}`;
}

/** 256 bits. */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** 48 hex characters (192 bits): alphanumeric, so valid as an API Gateway key value. */
export function generateApiKey(): string {
  return randomBytes(24).toString('hex');
}

export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Clock skew allowed on a token's `exp` (lib/auth/jwt.ts and the quota middleware's
 * re-check). Kept here, not in jwt.ts, so the rates functions can read it without
 * bundling jsonwebtoken (~55 kB with semver) into their cold start.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** Equal-length digests first, so neither content nor length leaks through timing. */
export function constantTimeEquals(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}
