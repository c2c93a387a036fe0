import { createHttpClient } from '../../lib/http/outbound.js';
import type { ProviderContext, UpstreamConfig } from '../../lib/providers/types.js';

/** A real client against a local server; every upstream URL points at `baseUrl`. */
export function providerContextFor(
  baseUrl: string,
  overrides: Partial<UpstreamConfig> = {},
): ProviderContext {
  const config: UpstreamConfig = {
    dofUrl: `${baseUrl}/tipcamb/tipCamMIAction.do`,
    fixerBaseUrl: `${baseUrl}/api`,
    fixerAccessKey: 'fixer-test-key-5f0c1d',
    banxicoBaseUrl: `${baseUrl}/SieAPIRest/service/v1`,
    banxicoToken: 'b'.repeat(64),
    banxicoFormat: 'json',
    timeoutMs: 1000,
    ...overrides,
  };
  return { http: createHttpClient({ timeoutMs: config.timeoutMs }), config };
}

/** The error a promise rejects with (or a marker if it resolves), so tests assert outside any catch. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return new Error('expected a rejection, got a value');
}

/** The error a function throws (or a marker if it returns). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return new Error('expected a throw, got a value');
}
