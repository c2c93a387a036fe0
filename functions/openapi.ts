import { getConfig } from '../lib/config.js';
import { httpHandler } from '../lib/http/handler.js';
import { openApiJson } from '../lib/http/openapi-doc.js';

/**
 * GET /v1/openapi.json. The YAML ships in this function's package: in AWS it sits in
 * LAMBDA_TASK_ROOT; under serverless offline (which sets LAMBDA_TASK_ROOT to /var/task)
 * it is found in the working directory, the service root.
 */
export const handler = httpHandler(
  async () => ({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' },
    body: openApiJson([getConfig().taskRoot, process.cwd()]),
  }),
  { query: [] },
);
