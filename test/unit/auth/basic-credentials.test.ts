import { describe, expect, it } from 'vitest';
import { parseBasicCredentials } from '../../../lib/auth/token-endpoint.js';

const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;

describe('parseBasicCredentials', () => {
  it('splits at the first colon and form-decodes both parts (RFC 6749 §2.3.1)', () => {
    expect(parseBasicCredentials(basic('cl_a:se%3Acret+x'))).toEqual({
      clientId: 'cl_a',
      clientSecret: 'se:cret x',
    });
    expect(parseBasicCredentials(basic('cl_a:a:b'))).toEqual({ clientId: 'cl_a', clientSecret: 'a:b' });
  });

  it('accepts any casing of the scheme', () => {
    expect(parseBasicCredentials(basic('cl_a:s').replace('Basic', 'bAsIc'))).toEqual({
      clientId: 'cl_a',
      clientSecret: 's',
    });
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Bearer abc'],
    ['no colon', basic('cl_a')],
    ['empty id', basic(':secret')],
    ['empty secret', basic('cl_a:')],
    ['not base64', 'Basic ***'],
    ['bad percent-encoding', basic('cl_a:%E0%A4%A')],
  ])('rejects %s', (_name, header) => {
    expect(parseBasicCredentials(header)).toBeUndefined();
  });
});
