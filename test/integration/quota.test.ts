import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpHandler, jsonResponse } from '../../lib/http/handler.js';
import { enforceQuota } from '../../lib/http/quota-middleware.js';
import { consumeQuota, quotaCounterKey } from '../../lib/quota/consume-quota.js';
import { type BoundedCounter, createDynamoCounterStore } from '../../lib/quota/counter-store.js';
import { quotaWindows, windowSpan } from '../../lib/quota/rule.js';
import { startTestTable, type TestTable } from '../helpers/dynalite-table.js';

const LIMITS = { free: { perMinute: 50, perDay: 1000 }, pro: { perMinute: 300, perDay: 50_000 } };
const START = Date.parse('2025-03-04T10:20:05.000Z');
const [MINUTE] = quotaWindows(LIMITS.free) as [ReturnType<typeof quotaWindows>[0]];

function rateRequest(clientId: string): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path: '/v1/rates',
    headers: {},
    queryStringParameters: null,
    requestContext: { authorizer: { clientId, plan: 'free', tokenExpiresAt: String(START / 1000 + 3600) } },
  } as unknown as APIGatewayProxyEvent;
}

describe('per-client quotas on a real dynalite', () => {
  let db: TestTable;
  let counter: BoundedCounter;
  let clock = START;
  let handler: ReturnType<typeof httpHandler>;

  beforeAll(async () => {
    db = await startTestTable('tdc-quota-test');
    counter = createDynamoCounterStore(db.table);
    handler = httpHandler(async () => jsonResponse(200, { ok: true })).use(
      enforceQuota({
        consume: (input) => consumeQuota(counter, { ...input, limits: LIMITS }),
        now: () => clock,
      }),
    );
  });

  afterAll(async () => {
    await db?.close();
  });

  const storedCount = async (clientId: string, nowMs: number) => {
    const key = quotaCounterKey(clientId, MINUTE, windowSpan(MINUTE, nowMs).start);
    const { Item } = await db.table.doc.send(
      new GetCommand({ TableName: db.table.tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  };

  it('answers exactly 50 of 200 concurrent requests with 200 and the rest with 429', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => handler(rateRequest('cl_burst'), {} as Context)),
    );

    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(statuses.filter((status) => status === 429)).toHaveLength(150);
    const item = await storedCount('cl_burst', clock);
    expect(item?.count).toBe(50);
    expect(item?.expires_at).toBe(windowSpan(MINUTE, clock).end + 3600);
    const refused = responses.find((response) => response.statusCode === 429);
    expect(refused?.headers).toMatchObject({ 'Retry-After': '55', RateLimit: '"minute";r=0;t=55' });
  });

  it('leaves a second client unaffected', async () => {
    const response = await handler(rateRequest('cl_calm'), {} as Context);

    expect(response.statusCode).toBe(200);
    expect(response.headers?.RateLimit).toBe('"minute";r=49;t=55');
  });

  it('admits the first client again in the next minute, and counts that window afresh', async () => {
    clock = START + 55_000;

    const response = await handler(rateRequest('cl_burst'), {} as Context);

    expect(response.statusCode).toBe(200);
    expect((await storedCount('cl_burst', clock))?.count).toBe(1);
    expect((await storedCount('cl_burst', START))?.count).toBe(50);
  });

  it('never lets a refund create a counter or take it below zero', async () => {
    const key = { pk: 'quota#cl_refund', sk: 'minute#0' };
    await counter.decrement(key);
    expect(
      (await db.table.doc.send(new GetCommand({ TableName: db.table.tableName, Key: key }))).Item,
    ).toBeUndefined();

    await counter.increment(key, 5, 1);
    await counter.decrement(key);
    await counter.decrement(key);
    expect(
      (await db.table.doc.send(new GetCommand({ TableName: db.table.tableName, Key: key }))).Item?.count,
    ).toBe(0);
  });
});
