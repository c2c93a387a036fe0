import { getTableClient } from '../lib/db/client.js';
import { pingTable } from '../lib/db/health-store.js';
import { checkHealth } from '../lib/health.js';
import { httpHandler, jsonResponse } from '../lib/http/handler.js';
import { rejectUnknownQuery } from '../lib/http/request.js';

export const handler = httpHandler(async (event) => {
  rejectUnknownQuery(event);
  const report = await checkHealth({ pingDatabase: () => pingTable(getTableClient(), 1500) });
  return jsonResponse(report.status === 'ok' ? 200 : 503, report, { 'Cache-Control': 'no-store' });
});
