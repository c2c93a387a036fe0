import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type NewClientCredentials } from '../../lib/auth/client-admin.js';
import { createDynamoClientStore } from '../../lib/auth/client-store.js';
import { CALLER_FREE_FAILURES, CLIENT_FREE_FAILURES, failureWindow } from '../../lib/auth/failed-attempts.js';
import { createDynamoFailureStore } from '../../lib/auth/failure-store.js';
import { verifySecret } from '../../lib/auth/secret-hash.js';
import { respondToTokenRequest } from '../../lib/auth/token-endpoint.js';
import { startTestTable, type TestTable } from '../helpers/dynalite-table.js';

/** The token endpoint's brake on a real dynalite, with the clock and the scrypt verifier in hand. */
const JWT_SECRET = 'brake-test-jwt-secret-0123456789abcdefghijkl';
const T0 = Date.parse('2025-03-04T10:00:10.000Z');

let db: TestTable;

beforeAll(async () => {
  db = await startTestTable('tdc-brake-test');
}, 60_000);

afterAll(async () => {
  await db?.close();
});

const newClient = (name: string) =>
  createClient(
    { store: createDynamoClientStore(db.table), registry: undefined, now: () => new Date(T0) },
    { name, plan: 'free' },
  );

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A verifier that counts its scrypt calls; `kill` makes it die mid-request like a killed process. */
function countingVerifier(options: { kill?: boolean } = {}) {
  const counter = { calls: 0 };
  const verify = async (secret: string, stored: string) => {
    counter.calls++;
    if (options.kill) throw new Error('process killed between the read and the answer');
    return verifySecret(secret, stored);
  };
  return { counter, verify };
}

function ask(
  clientId: string,
  secret: string,
  sourceIp: string,
  options: { nowMs?: number; verify?: (secret: string, stored: string) => Promise<boolean> } = {},
) {
  return respondToTokenRequest(
    {
      authorization: basic(clientId, secret),
      contentType: 'application/x-www-form-urlencoded',
      body: 'grant_type=client_credentials',
      sourceIp,
    },
    {
      clients: createDynamoClientStore(db.table),
      failures: createDynamoFailureStore(db.table),
      ...(options.verify === undefined ? {} : { verifySecret: options.verify }),
      jwtSecret: JWT_SECRET,
      ttlSeconds: 3600,
      now: () => options.nowMs ?? T0,
    },
  );
}

async function failureItems(pkPrefix: string) {
  const answer = await db.table.doc.send(
    new ScanCommand({
      TableName: db.table.tableName,
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': pkPrefix },
    }),
  );
  return answer.Items ?? [];
}

describe('the token endpoint brake', () => {
  let owner: NewClientCredentials;

  beforeAll(async () => {
    owner = await newClient('owner');
  });

  it('answers 8 parallel correct requests all 200 and records nothing', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => ask(owner.client_id, owner.client_secret, '198.51.100.8')),
    );

    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(8).fill(200));
    expect(await failureItems(`token-failures#client#${owner.client_id}`)).toEqual([]);
    expect(await failureItems('token-failures#caller#198.51.100.8')).toEqual([]);
  });

  it('slows an attacker locking a client out, while its owner logs in from another caller', async () => {
    const victim = await newClient('victim');
    const attackers = ['203.0.113.10', '203.0.113.11', '203.0.113.12', '203.0.113.13'];
    const typo = '203.0.113.20';

    // Four attackers in parallel, each trying its free failures one after another; once the
    // client has CLIENT_FREE_FAILURES, callers that failed before are slowed on its count.
    const guesses = await Promise.all(
      attackers.map(async (attacker) => {
        const statuses: number[] = [];
        for (let i = 0; i < CALLER_FREE_FAILURES; i++) {
          statuses.push((await ask(victim.client_id, `guess-${i}`, attacker)).statusCode);
        }
        return statuses;
      }),
    );
    await ask(victim.client_id, 'one-typo', typo);
    const later = T0 + 1000;
    const attackerWithTheSecret = await ask(victim.client_id, victim.client_secret, attackers[0] as string, {
      nowMs: later,
    });
    const callerThatFailedOnce = await ask(victim.client_id, victim.client_secret, typo, { nowMs: later });
    const ownerElsewhere = await ask(victim.client_id, victim.client_secret, '198.51.100.30', {
      nowMs: later,
    });

    const statuses = guesses.flat();
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(guesses.map((attacker) => attacker[0])).toEqual([401, 401, 401, 401]);
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(CLIENT_FREE_FAILURES);
    // The client is under attack: a caller with its own recent failure waits on the client's count.
    expect(attackerWithTheSecret.statusCode).toBe(429);
    expect(callerThatFailedOnce.statusCode).toBe(429);
    expect(ownerElsewhere.statusCode).toBe(200);
  });

  it('leaves no phantom failure when the process dies between the read and the answer', async () => {
    const client = await newClient('crash');
    const caller = '198.51.100.40';
    await ask(client.client_id, 'one-wrong-secret', caller);
    const killed = countingVerifier({ kill: true });

    // Six logins with the right secret, each killed after the brake read and before an answer.
    for (let i = 0; i < 6; i++) {
      await expect(
        ask(client.client_id, client.client_secret, caller, { verify: killed.verify }),
      ).rejects.toThrow('process killed');
    }
    const afterRestart = await ask(client.client_id, client.client_secret, caller);

    expect(killed.counter.calls).toBe(6);
    expect(afterRestart.statusCode).toBe(200);
    const [record] = await failureItems(`token-failures#caller#${caller}`);
    expect(record).toMatchObject({ failures: 1, sk: `window#${failureWindow(T0).start}` });
  });

  it('spends no scrypt on 50 wrong secrets over 50 random client ids', async () => {
    const { counter, verify } = countingVerifier();
    const caller = '203.0.113.50';

    const ids = Array.from({ length: 50 }, () => `cl_${randomBytes(10).toString('hex')}`);

    const answers = await Promise.all(
      ids.map((id) => ask(id, randomBytes(16).toString('hex'), caller, { verify })),
    );

    expect(answers.every((answer) => answer.statusCode === 401 || answer.statusCode === 429)).toBe(true);
    expect(counter.calls).toBe(0);
    // Unknown ids are counted against the caller only: no item per made-up id.
    const clientRecords = await failureItems('token-failures#client#');
    expect(
      clientRecords.filter((item) => ids.some((id) => item.pk === `token-failures#client#${id}`)),
    ).toEqual([]);
    const [callerRecord] = await failureItems(`token-failures#caller#${caller}`);
    // Each checked guess is one failure of the caller; guesses that already found it slowed are not.
    expect(callerRecord?.failures).toBe(answers.filter((answer) => answer.statusCode === 401).length);
    expect(callerRecord?.failures).toBeGreaterThanOrEqual(CALLER_FREE_FAILURES);
  });

  it(`checks at most ${CALLER_FREE_FAILURES} of 50 wrong secrets sent one after another for a real client`, async () => {
    const target = await newClient('target');
    const { counter, verify } = countingVerifier();
    const statuses: number[] = [];

    for (let i = 0; i < 50; i++) {
      statuses.push((await ask(target.client_id, `guess-${i}`, '203.0.113.60', { verify })).statusCode);
    }

    expect(counter.calls).toBe(CALLER_FREE_FAILURES);
    expect(statuses.filter((status) => status === 401)).toHaveLength(CALLER_FREE_FAILURES);
    expect(statuses.filter((status) => status === 429)).toHaveLength(50 - CALLER_FREE_FAILURES);
  });
});
