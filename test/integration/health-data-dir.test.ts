import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable, type TestTable } from '../helpers/dynalite-table.js';

/** The real health handler on a local stage whose data directory disappears under it. */
let db: TestTable;
let dataDir: string;
let health: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const request = {
  httpMethod: 'GET',
  path: '/v1/health',
  headers: {},
  queryStringParameters: null,
} as unknown as APIGatewayProxyEvent;

beforeAll(async () => {
  db = await startTestTable('tdc-health-test');
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'tdc-health-'));
  Object.assign(process.env, {
    STAGE: 'local',
    DYNAMODB_ENDPOINT: db.endpoint,
    TABLE_NAME: db.table.tableName,
    DATA_DIR: dataDir,
    LOCAL_DB_DIR: path.join(dataDir, 'dynamodb'),
  });
  mkdirSync(path.join(dataDir, 'dynamodb'));
  health = (await import('../../functions/health.js')).handler;
}, 60_000);

afterAll(async () => {
  await db?.close();
});

describe('GET /v1/health on the local stack', () => {
  it('finds the database ok while the data directory and the table are there', async () => {
    const response = await health(request, {} as Context);

    // 200 with the database ok; the status is `degraded` only because no source is cached yet.
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'degraded', checks: { database: 'ok' } });
  });

  it('says the database is unavailable once the data directory is deleted', async () => {
    rmSync(dataDir, { recursive: true, force: true });

    const response = await health(request, {} as Context);

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({
      status: 'degraded',
      checks: { database: 'unavailable' },
    });
  });

  it('stays unavailable when an empty data directory takes the deleted one’s place', async () => {
    mkdirSync(dataDir);

    const response = await health(request, {} as Context);

    expect(response.statusCode).toBe(503);
  });

  it('says the database is unavailable once the table is gone', async () => {
    mkdirSync(path.join(dataDir, 'dynamodb'), { recursive: true });
    expect((await health(request, {} as Context)).statusCode).toBe(200);
    await db.table.doc.send(new DeleteTableCommand({ TableName: db.table.tableName }));

    const response = await health(request, {} as Context);

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ checks: { database: 'unavailable' } });
  });
});
