import { convertHandler } from '../lib/http/convert-route.js';

/** GET /v1/convert: an amount between USD and MXN at the chosen rate (lib/http/convert-route.ts). */
export const handler = convertHandler();
