import { httpHandler } from '../lib/http/handler.js';

/** Liveness without dependencies (no database): also the benchmark's ungated no-op (row c'). */
export const handler = httpHandler(
  async () => ({ statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' }),
  {
    query: [],
  },
);
