import { describe, expect, it } from 'vitest';
import { hashSecret, verifySecret } from '../../../lib/auth/secret-hash.js';

// Cheap parameters keep the suite fast; the format carries them, so verification follows.
const FAST = { N: 1024, r: 8, p: 1 };

describe('client secret hashing', () => {
  it('verifies the right secret and rejects any other', async () => {
    const stored = await hashSecret('s3cret-value', FAST);

    expect(await verifySecret('s3cret-value', stored)).toBe(true);
    expect(await verifySecret('s3cret-valuE', stored)).toBe(false);
    expect(await verifySecret('', stored)).toBe(false);
  });

  it('salts every hash and stores its parameters with it', async () => {
    const first = await hashSecret('same', FAST);
    const second = await hashSecret('same', FAST);

    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it('uses N=2^15 by default', async () => {
    expect(await hashSecret('x')).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it.each([
    ['empty', ''],
    ['another scheme', 'bcrypt$2b$10$abc'],
    [
      'absurd cost',
      'scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    ['truncated hash', 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA'],
  ])('never matches a malformed stored hash (%s)', async (_name, stored) => {
    expect(await verifySecret('anything', stored)).toBe(false);
  });
});
