/** A parsed JSON value that is an object (not null, not an array): the guard every JSON reader uses. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
