import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Fresh credentials for a client. Every value uses URL- and header-safe characters
 * only: client ids and secrets travel in `Authorization: Basic` (where `:` would break
 * the split), and API Gateway wants API keys of at least 20 characters.
 *
 * Every value also starts with a letter or digit: one starting with `-` is read as an
 * option by command lines (`--client-secret -6aL…` fails in util.parseArgs, and most
 * other CLIs do the same), so a user pasting it would hit a confusing error.
 */
export function startsSafelyOnCommandLine(value: string): boolean {
  return /^[A-Za-z0-9]/.test(value);
}

export function generateClientId(): string {
  return `cl_${randomBytes(10).toString('hex')}`;
}

/**
 * 256 random bits in base64url, redrawn while the first character is `-` or `_` (2 in
 * 64): rejection keeps the distribution uniform over the allowed values and costs
 * under 0.05 bits of entropy.
 */
export function generateClientSecret(): string {
  for (;;) {
    const secret = randomBytes(32).toString('base64url');
    if (startsSafelyOnCommandLine(secret)) return secret;
  }
}

/** 48 hex characters (192 bits): alphanumeric, so valid as an API Gateway key value. */
export function generateApiKey(): string {
  return randomBytes(24).toString('hex');
}

export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Equal-length digests first, so neither content nor length leaks through timing. */
export function constantTimeEquals(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}
