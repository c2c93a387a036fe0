import { httpHandler } from '../lib/http/handler.js';
import { rejectUnknownQuery } from '../lib/http/request.js';

/** Liveness without dependencies (no database): also the benchmark's ungated no-op (row c'). */
export const handler = httpHandler(async (event) => {
  rejectUnknownQuery(event);
  return { statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' };
});
