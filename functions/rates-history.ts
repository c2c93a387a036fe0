import { historyHandler } from '../lib/http/history-routes.js';

/** GET /v1/rates/history: one row per day of a range, as JSON, CSV or NDJSON. */
export const handler = historyHandler();
