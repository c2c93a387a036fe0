import { expect } from 'vitest';
import { ProviderError } from '../../lib/core/provider-error.js';

export { providerContextFor } from '../../scripts/lib/provider-context.js';

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

/** A provider error with this code (`timeout`, `layout_changed`, …). */
export function expectProviderError(error: unknown, code: string): void {
  expect(error).toBeInstanceOf(ProviderError);
  expect(error).toMatchObject({ code });
}

/** Every rendering of an error and its causes, as a log line or a response might show it. */
export function everythingShownOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(String(current), current.message, current.stack ?? '', JSON.stringify(current));
    current = current.cause;
  }
  return parts.join('\n');
}
