import { describe, expect, it } from 'vitest';
import { headerValue, mediaTypeOf } from '../../../lib/core/headers.js';
import { isRecord } from '../../../lib/core/json.js';

describe('headerValue', () => {
  it('finds a header whatever its casing, and nothing when it is absent', () => {
    const headers = { 'X-Api-Key': 'k1', authorization: 'Bearer t', Empty: undefined };

    expect(headerValue(headers, 'x-api-key')).toBe('k1');
    expect(headerValue(headers, 'AUTHORIZATION')).toBe('Bearer t');
    expect(headerValue(headers, 'empty')).toBeUndefined();
    expect(headerValue(headers, 'content-type')).toBeUndefined();
    expect(headerValue(null, 'x-api-key')).toBeUndefined();
  });
});

describe('mediaTypeOf', () => {
  it('is the lower-cased type without parameters', () => {
    expect(mediaTypeOf('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaTypeOf(' ; charset=utf-8')).toBeUndefined();
    expect(mediaTypeOf(null)).toBeUndefined();
  });
});

describe('isRecord', () => {
  it('accepts objects only: not null, arrays or scalars', () => {
    expect([{}, { a: 1 }].map(isRecord)).toEqual([true, true]);
    expect([null, [], 'x', 1, undefined].map(isRecord)).toEqual([false, false, false, false, false]);
  });
});
