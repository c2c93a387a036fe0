import { GetCommand, type UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requestGate } from '../../lib/http/gate.js';
import { httpHandler, jsonResponse } from '../../lib/http/handler.js';
import { consumeQuota, type QuotaStore } from '../../lib/quota/consume-quota.js';
import { createDynamoQuotaStore } from '../../lib/quota/quota-store.js';
import { quotaWindows, windowSpan } from '../../lib/quota/rule.js';
import { startTestTable, type TestTable } from '../helpers/dynalite-table.js';

const LIMITS = { free: { perMinute: 50, perDay: 1000 }, pro: { perMinute: 300, perDay: 50_000 } };
const START = Date.parse('2025-03-04T10:20:05.000Z');
const [MINUTE, DAY] = quotaWindows(LIMITS.free) as [
  ReturnType<typeof quotaWindows>[0],
  ReturnType<typeof quotaWindows>[0],
];

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
  let store: QuotaStore;
  let clock = START;
  let handler: ReturnType<typeof httpHandler>;

  beforeAll(async () => {
    db = await startTestTable('tdc-quota-test');
    store = createDynamoQuotaStore(db.table);
    handler = httpHandler(async () => jsonResponse(200, { ok: true })).use(
      requestGate({
        consume: (input) => consumeQuota(store, { ...input, limits: LIMITS }),
        now: () => clock,
      }),
    );
  });

  afterAll(async () => {
    await db?.close();
  });

  const storedWindows = async (clientId: string) => {
    const { Item } = await db.table.doc.send(
      new GetCommand({
        TableName: db.table.tableName,
        Key: { pk: `quota#${clientId}`, sk: 'windows' },
        ConsistentRead: true,
      }),
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
    expect(await storedWindows('cl_burst')).toMatchObject({
      minute_start: windowSpan(MINUTE, clock).start,
      minute_count: 50,
      day_start: windowSpan(DAY, clock).start,
      day_count: 50,
      expires_at: windowSpan(DAY, clock).end + 3600,
    });
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
    expect(await storedWindows('cl_burst')).toMatchObject({
      minute_start: windowSpan(MINUTE, clock).start,
      minute_count: 1,
      day_count: 51,
    });
  });

  it('stays exact when 200 concurrent requests open a new minute against the day limit', async () => {
    const limits = { ...LIMITS, free: { perMinute: 50, perDay: 60 } };
    const take = (nowMs: number) => consumeQuota(store, { clientId: 'cl_day', plan: 'free', limits, nowMs });
    // The first minute is only the setting: filled one request at a time.
    for (let i = 0; i < 50; i++) expect((await take(START)).admitted).toBe(true);

    const second = await Promise.all(Array.from({ length: 200 }, () => take(START + 60_000)));

    expect(second.filter((decision) => decision.admitted)).toHaveLength(10);
    expect(await storedWindows('cl_day')).toMatchObject({ minute_count: 10, day_count: 60 });
  }, 60_000);

  it('starts both windows afresh on the next day', async () => {
    const nextDay = START + 86_400_000;

    const decision = await consumeQuota(store, {
      clientId: 'cl_day',
      plan: 'free',
      limits: LIMITS,
      nowMs: nextDay,
    });

    expect(decision.admitted).toBe(true);
    expect(await storedWindows('cl_day')).toMatchObject({
      minute_start: windowSpan(MINUTE, nextDay).start,
      minute_count: 1,
      day_start: windowSpan(DAY, nextDay).start,
      day_count: 1,
    });
  });

  it('charges an admitted request with exactly one write and no read', async () => {
    await consumeQuota(store, { clientId: 'cl_one', plan: 'free', limits: LIMITS, nowMs: START });
    const sent: string[] = [];
    const send = db.table.doc.send.bind(db.table.doc);
    const spy = vi.spyOn(db.table.doc, 'send').mockImplementation(((command: {
      constructor: { name: string };
    }) => {
      sent.push(command.constructor.name);
      return send(command as UpdateCommand);
    }) as typeof db.table.doc.send);

    const decision = await consumeQuota(store, {
      clientId: 'cl_one',
      plan: 'free',
      limits: LIMITS,
      nowMs: START,
    });
    spy.mockRestore();

    expect(decision.admitted).toBe(true);
    expect(sent).toEqual(['UpdateCommand']);
  });
});
