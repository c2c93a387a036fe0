import { PageError } from './page-error.js';
import { isRecord } from './types.js';

/**
 * The sign-in: a token from POST /v1/auth/token, kept in this tab's sessionStorage with the
 * API key; the client secret is kept in memory only (this page load), to renew the token.
 */
const SESSION_KEY = 'tipo-de-cambio.session';
/** Renew this long before the token's expiry, so a request never leaves with a dying token. */
const RENEW_MARGIN_MS = 30_000;

export interface Session {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  apiKey: string;
  clientId: string;
  /** The client's name from GET /v1/whoami, once learned. */
  name?: string | undefined;
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
  apiKey: string;
}

// The page is served at the API's root (`/` locally, `/<stage>` on AWS): resolve from there.
const API_BASE = window.location.pathname.replace(/\/?$/, '/');
export const apiUrl = (path: string): string => `${API_BASE}${path}`;

let credentials: Credentials | null = null;

export const hasCredentials = (): boolean => credentials !== null;
export function rememberCredentials(entered: Credentials | null): void {
  credentials = entered;
}

export function readSession(): Session | null {
  try {
    const session: unknown = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    if (
      isRecord(session) &&
      typeof session.token === 'string' &&
      typeof session.apiKey === 'string' &&
      typeof session.clientId === 'string' &&
      typeof session.expiresAt === 'number'
    ) {
      const { token, apiKey, clientId, expiresAt } = session;
      return {
        token,
        apiKey,
        clientId,
        expiresAt,
        name: typeof session.name === 'string' ? session.name : undefined,
      };
    }
  } catch {
    // Unreadable: treated as signed out.
  }
  return null;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** True when the stored token is too close to its expiry to be sent. */
export const isExpiring = (session: Session): boolean => session.expiresAt - RENEW_MARGIN_MS <= Date.now();

/** `Retry-After` in seconds (delta or HTTP date), or undefined. */
export function retryAfterSeconds(response: Response): number | undefined {
  const raw = response.headers.get('Retry-After')?.trim();
  if (raw === undefined) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

export async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

async function postToken({ clientId, clientSecret }: Credentials): Promise<Response> {
  // RFC 6749 §2.3.1: form-encode, then base64.
  const basic = btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`);
  try {
    return await fetch(apiUrl('v1/auth/token'), {
      method: 'POST',
      // "omit": a 401 with WWW-Authenticate: Basic must not open the browser's own login box.
      credentials: 'omit',
      cache: 'no-store',
      headers: {
        Authorization: `Basic ${basic}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
    });
  } catch {
    throw new PageError('unreachable');
  }
}

/** POST /v1/auth/token with HTTP Basic; stores and returns the new session. */
export async function requestToken(entered: Credentials): Promise<Session> {
  const response = await postToken(entered);
  if (response.ok) {
    const body = await readJson(response);
    if (!isRecord(body) || typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new PageError('server', { status: response.status });
    }
    const previous = readSession();
    const session: Session = {
      token: body.access_token,
      expiresAt: Date.now() + body.expires_in * 1000,
      apiKey: entered.apiKey,
      clientId: entered.clientId,
      // A renewed token keeps the name already learned for this client.
      name: previous?.clientId === entered.clientId ? previous.name : undefined,
    };
    saveSession(session);
    return session;
  }
  if (response.status === 401) throw new PageError('bad-credentials');
  if (response.status === 429)
    throw new PageError('sign-in-locked', { retryAfter: retryAfterSeconds(response) });
  if (response.status === 400) throw new PageError('bad-sign-in-request');
  throw new PageError('server', { status: response.status });
}

/** A token good for the next request: the stored one, or a new one from the in-memory credentials. */
export async function currentSession({ forceRenew = false } = {}): Promise<Session> {
  const session = readSession();
  if (session !== null && !forceRenew && !isExpiring(session)) return session;
  if (credentials === null) throw new PageError('expired');
  return requestToken(credentials);
}
