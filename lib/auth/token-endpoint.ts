import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { headerValue } from '../core/headers.js';
import type { Plan } from '../core/plan.js';
import { logger } from '../log.js';
import type { ClientStore } from './client.js';
import { CLIENT_ID_PATTERN } from './credentials.js';
import { decideBrake, type FailureStore, failureWindow } from './failed-attempts.js';
import { issueAccessToken } from './jwt.js';
import { verifySecret } from './secret-hash.js';

/**
 * POST /v1/auth/token: OAuth 2.0 client credentials grant (RFC 6749 §4.4). The client
 * authenticates with HTTP Basic (§2.3.1); errors are §5.2 JSON, not problem+json,
 * because OAuth client libraries parse `error`.
 */
export interface TokenRequest {
  authorization: string | undefined;
  contentType: string | undefined;
  body: string | null;
  /** The caller the brake slows down (API Gateway's source IP); absent in hand-made events. */
  sourceIp: string | undefined;
  /** Names of query parameters sent: the endpoint takes none (RFC 6749 §3.2 sends them in the body). */
  queryNames?: readonly string[];
}

export function tokenRequestFrom(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded' | 'requestContext'> &
    Partial<Pick<APIGatewayProxyEvent, 'queryStringParameters'>>,
): TokenRequest {
  const body =
    event.body !== null && event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body;
  return {
    authorization: headerValue(event.headers, 'authorization'),
    contentType: headerValue(event.headers, 'content-type'),
    body,
    sourceIp: event.requestContext?.identity?.sourceIp || undefined,
    queryNames: Object.keys(event.queryStringParameters ?? {}),
  };
}

export interface TokenEndpointDeps {
  clients: Pick<ClientStore, 'getClient'>;
  failures: FailureStore;
  /** scrypt verification; injectable so tests can count how much of it a flood costs. */
  verifySecret?: (secret: string, stored: string) => Promise<boolean>;
  jwtSecret: string;
  ttlSeconds: number;
  now: () => number;
}

export const TOKEN_REALM = 'tipo-de-cambio';
const MAX_BODY_BYTES = 4096;

type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

function oauthError(
  statusCode: number,
  error: OAuthErrorCode,
  description: string,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...NO_STORE, ...headers },
    body: JSON.stringify({ error, error_description: description }),
  };
}

const invalidRequest = (description: string) => oauthError(400, 'invalid_request', description);
const invalidClient = (description: string) =>
  oauthError(401, 'invalid_client', description, { 'WWW-Authenticate': `Basic realm="${TOKEN_REALM}"` });

class BadTokenRequestError extends Error {
  override readonly name = 'BadTokenRequestError';
}

/** Form-encoded or JSON parameters; a repeated parameter is an error (§3.2). */
function parseParameters(contentType: string | undefined, body: string | null): Map<string, string> {
  const params = new Map<string, string>();
  if (body === null || body === '') return params;
  if (Buffer.byteLength(body) > MAX_BODY_BYTES)
    throw new BadTokenRequestError('The request body is too large.');
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') {
    for (const [name, value] of new URLSearchParams(body)) {
      if (params.has(name)) throw new BadTokenRequestError(`Parameter ${name} is repeated.`);
      params.set(name, value);
    }
    return params;
  }
  if (mediaType === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new BadTokenRequestError('The body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BadTokenRequestError('The JSON body must be an object.');
    }
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value !== 'string') throw new BadTokenRequestError(`Parameter ${name} must be a string.`);
      params.set(name, value);
    }
    return params;
  }
  throw new BadTokenRequestError(
    'Content-Type must be application/x-www-form-urlencoded or application/json.',
  );
}

/** `Basic base64(urlencode(id) ":" urlencode(secret))`; undefined when malformed. */
export function parseBasicCredentials(
  authorization: string | undefined,
): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(authorization?.trim() ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    return clientSecret === '' ? undefined : { clientId, clientSecret };
  } catch {
    return undefined;
  }
}

/** The request's form, checked before any lookup: no query, a parseable body, Basic credentials. */
function readTokenRequestForm(
  request: TokenRequest,
):
  | APIGatewayProxyResult
  | { params: Map<string, string>; credentials: { clientId: string; clientSecret: string } } {
  const queryNames = request.queryNames ?? [];
  if (queryNames.length > 0) {
    return invalidRequest(
      `Unknown query parameter${queryNames.length > 1 ? 's' : ''}: ${[...queryNames].sort().join(', ')}; ` +
        'send grant_type in the form body.',
    );
  }
  let params: Map<string, string>;
  try {
    params = parseParameters(request.contentType, request.body);
  } catch (error) {
    if (error instanceof BadTokenRequestError) return invalidRequest(error.message);
    throw error;
  }
  if (params.has('client_secret')) {
    return invalidRequest('Send the client credentials with HTTP Basic authentication, not in the body.');
  }

  const credentials = parseBasicCredentials(request.authorization);
  if (credentials === undefined || !CLIENT_ID_PATTERN.test(credentials.clientId)) {
    logger.info('token refused', { reason: 'missing or malformed client authentication' });
    return invalidClient('Client authentication failed: use HTTP Basic with the client id and secret.');
  }
  return { params, credentials };
}

/** An authenticated client's grant: only client_credentials, answered with a fresh access token. */
function grantToken(
  params: Map<string, string>,
  client: { clientId: string; plan: Plan },
  deps: TokenEndpointDeps,
  nowMs: number,
): APIGatewayProxyResult {
  const grantType = params.get('grant_type');
  if (grantType === undefined || grantType === '') {
    return invalidRequest('The grant_type parameter is required.');
  }
  if (grantType !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
  }

  const token = issueAccessToken(client, { secret: deps.jwtSecret, ttlSeconds: deps.ttlSeconds, nowMs });
  logger.info('token issued', { clientId: client.clientId, plan: client.plan });
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', ...NO_STORE },
    body: JSON.stringify({
      access_token: token.accessToken,
      token_type: 'Bearer',
      expires_in: token.expiresIn,
    }),
  };
}

export async function respondToTokenRequest(
  request: TokenRequest,
  deps: TokenEndpointDeps,
): Promise<APIGatewayProxyResult> {
  const form = readTokenRequestForm(request);
  if ('statusCode' in form) return form;
  const { params, credentials } = form;
  const { clientId, clientSecret } = credentials;

  const nowMs = deps.now();
  const subject = { caller: request.sourceIp ?? 'unknown', clientId };
  const window = failureWindow(nowMs);
  // Reads only: nothing is written before the secret is checked (see failed-attempts.ts).
  const [counts, client] = await Promise.all([
    deps.failures.read(subject, window.start),
    deps.clients.getClient(clientId),
  ]);
  const brake = decideBrake(counts.caller, counts.client, nowMs);
  if (!brake.allowed) {
    logger.warn('token refused', { reason: 'too many failed attempts', clientId, caller: subject.caller });
    return oauthError(
      429,
      'invalid_client',
      `Too many failed authentication attempts; retry after ${brake.retryAfterSeconds} second${brake.retryAfterSeconds === 1 ? '' : 's'}.`,
      { 'Retry-After': String(brake.retryAfterSeconds) },
    );
  }

  // Unknown and disabled clients cost no scrypt: a flood of made-up ids stays cheap. Client ids
  // are not secret, so answering those faster reveals nothing worth the CPU.
  const verify = deps.verifySecret ?? verifySecret;
  const accepted =
    client !== undefined && !client.disabled && (await verify(clientSecret, client.secretHash));
  if (client === undefined || !accepted) {
    await deps.failures.record({ ...subject, clientKnown: client !== undefined }, window, nowMs);
    logger.info('token refused', {
      reason: 'client authentication failed',
      clientId,
      caller: subject.caller,
    });
    return invalidClient('Client authentication failed.');
  }

  return grantToken(params, { clientId, plan: client.plan }, deps, nowMs);
}
