import { fiscalHandler } from '../lib/http/history-routes.js';

/** GET /v1/rates/fiscal: the rate for a date under CFF art. 20 (or para pagos). */
export const handler = fiscalHandler();
