import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger for every function (Powertools reads POWERTOOLS_LOG_LEVEL
 * itself). Nothing that sees an Authorization or x-api-key header logs the event.
 */
export const logger = new Logger({ serviceName: 'tipo-de-cambio' });

/** An error reduced to what is safe to log: name, message, code; never a request or response body. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'NonError', message: String(error) };
}
