import { PageError } from './page-error.js';
import {
  apiUrl,
  currentSession,
  hasCredentials,
  readJson,
  retryAfterSeconds,
  type Session,
  saveSession,
} from './session.js';
import { isRecord, type RatesBody, readRatesBody, readSourceErrors } from './types.js';

/** Called with every rates answer, for the quota line (RateLimit headers). */
export type ResponseObserver = (response: Response) => void;

function sendAuthorized(path: string, session: Session, accept: string): Promise<Response> {
  return fetch(apiUrl(path), {
    credentials: 'omit',
    // Revalidate every time: answers are cached privately, but quota and freshness are the server's.
    cache: 'no-cache',
    headers: { Authorization: `Bearer ${session.token}`, 'x-api-key': session.apiKey, Accept: accept },
  });
}

/**
 * GET `path` with the session's token and API key. A 401 while the page still holds the
 * credentials (token expired or revoked) renews the token once and retries.
 * Throws `unreachable` when the request itself fails.
 */
export async function getAuthorized(path: string, accept = 'application/json'): Promise<Response> {
  try {
    const response = await sendAuthorized(path, await currentSession(), accept);
    if (response.status !== 401 || !hasCredentials()) return response;
    return await sendAuthorized(path, await currentSession({ forceRenew: true }), accept);
  } catch (error) {
    if (error instanceof PageError) throw error;
    throw new PageError('unreachable');
  }
}

/** The problem `detail` of an error answer, when it has one. */
async function problemDetail(response: Response): Promise<string | undefined> {
  const body = await readJson(response);
  return isRecord(body) && typeof body.detail === 'string' ? body.detail : undefined;
}

/** Turns a non-200 answer into the PageError the page explains (README "Errors"). */
export async function failureOf(response: Response): Promise<PageError> {
  const retryAfter = retryAfterSeconds(response);
  switch (response.status) {
    case 400:
      return new PageError('bad-request', { detail: await problemDetail(response) });
    case 401:
      return new PageError('expired');
    case 403:
      return new PageError('wrong-api-key');
    case 429:
      return new PageError('quota', { retryAfter });
    case 404: {
      // A date before every source's history (openapi `BeforeHistory`): `errors` per source.
      const body = await readJson(response);
      const errors = readSourceErrors(isRecord(body) ? body.errors : {});
      return Object.keys(errors).length === 0
        ? new PageError('server', { status: 404 })
        : new PageError('before-history', { errors });
    }
    case 503: {
      const body = await readJson(response);
      return new PageError('no-source', {
        retryAfter,
        errors: readSourceErrors(isRecord(body) ? body.errors : {}),
      });
    }
    default:
      return new PageError('server', { status: response.status });
  }
}

/** A rates route (`v1/rates`, `v1/rates/dof`, …), read and checked; every other answer throws. */
export async function getRates(path: string, observe: ResponseObserver): Promise<RatesBody> {
  const response = await getAuthorized(path);
  observe(response);
  if (response.status !== 200) throw await failureOf(response);
  const body = readRatesBody(await readJson(response));
  if (body === undefined) throw new PageError('server', { status: response.status });
  return body;
}

/**
 * The client's name for the header, from GET /v1/whoami (one request of the quota, once
 * per sign-in). Any failure keeps the id in the header: the report matters more.
 */
export async function learnName(session: Session): Promise<Session> {
  try {
    const response = await sendAuthorized('v1/whoami', session, 'application/json');
    const body = response.ok ? await readJson(response) : null;
    if (!isRecord(body) || typeof body.name !== 'string' || body.name === '') return session;
    const named = { ...session, name: body.name };
    saveSession(named);
    return named;
  } catch {
    return session;
  }
}
