import { httpHandler } from '../lib/http/handler.js';
import { webPageResponse } from '../lib/web/page.js';

/** GET /: the web page (sign in, the daily report), lib/web/. */
export const handler = httpHandler(async (event) => webPageResponse(event), { query: [] });
