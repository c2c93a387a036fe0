import { averageHandler } from '../lib/http/history-routes.js';

/** GET /v1/rates/average: a month's average FIX or DOF. */
export const handler = averageHandler();
