import { describe, expect, it } from 'vitest';
import { addDays, mexicoCityDate, mexicoCityInstant } from '../../../lib/core/mexico-time.js';
import type { SourceId } from '../../../lib/core/rate.js';
import {
  type EntryPolicy,
  entryState,
  minCallSpacingMs,
  type RefreshAnswer,
  type Settlement,
  settleRefresh,
} from '../../../lib/rates/entry-state.js';
import { freshnessFor } from '../../../lib/rates/freshness.js';
import type { CachedValue, CacheEntry } from '../../../lib/rates/rate-store.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const POLICY: EntryPolicy = {
  fixerMinIntervalMs: 8 * HOUR,
  retryLateMs: 15 * MINUTE,
  errorBackoffMs: MINUTE,
  maxStaleMs: 7 * 24 * HOUR,
};
const SOURCES: SourceId[] = ['fixer', 'banxico', 'dof'];
/** Wednesday 2026-11-25, 15:00 Mexico City: a banking day, after the FIX publication. */
const NOW = Date.parse('2026-11-25T21:00:00Z');

/** A value of `source` for Mexico City date `date`, fetched at `fetchedAt`, freshness by the real rules. */
function valueFor(source: SourceId, date: string, fetchedAt: number): CachedValue {
  const lastUpdated = (
    source === 'banxico' ? mexicoCityInstant(date, 12) : mexicoCityInstant(date, source === 'dof' ? 0 : 9)
  ).toISOString();
  const { freshUntil, nextExpectedUpdate } = freshnessFor(source, { dataDate: date, fetchedAt }, POLICY);
  return {
    parsed: {
      rates: [{ key: source, value: 20, date, lastUpdated, kind: 'market', source: 'test', provenance: {} }],
    } as CachedValue['parsed'],
    dataDate: date,
    dataVersion: lastUpdated,
    fetchedAt,
    freshUntil,
    nextExpectedUpdate,
  };
}

const STORED_DATE = '2026-11-24';
type PreState = 'fresh' | 'due' | 'late' | 'backing off';

/** The stored entry in each state the table starts from, at NOW. */
function storedEntry(source: SourceId, state: PreState): CacheEntry {
  switch (state) {
    case 'fresh':
      return {
        value: {
          ...valueFor(source, STORED_DATE, NOW - HOUR),
          freshUntil: NOW + HOUR,
          nextExpectedUpdate: NOW + HOUR,
        },
        lastError: undefined,
        nextAttemptAt: undefined,
      };
    case 'due':
      return {
        value: { ...valueFor(source, STORED_DATE, NOW - 9 * HOUR), freshUntil: NOW - 1 },
        lastError: undefined,
        nextAttemptAt: undefined,
      };
    case 'late': {
      // Checked after the next publication was due and still got the same date.
      const value = valueFor(source, STORED_DATE, NOW - 5 * MINUTE);
      return {
        value: { ...value, nextExpectedUpdate: NOW - HOUR, freshUntil: NOW + 10 * MINUTE },
        lastError: undefined,
        nextAttemptAt: undefined,
      };
    }
    case 'backing off':
      return {
        value: { ...valueFor(source, STORED_DATE, NOW - 9 * HOUR), freshUntil: NOW - HOUR },
        lastError: { code: 'upstream_error', message: 'HTTP 500', at: NOW - MINUTE },
        nextAttemptAt: NOW + MINUTE,
      };
  }
}

type Answered = 'newer' | 'same' | 'older' | 'invalid' | 'failure';

function answerFor(source: SourceId, answered: Answered, fetchedAt: number): RefreshAnswer {
  switch (answered) {
    case 'newer':
      return { kind: 'value', value: valueFor(source, addDays(STORED_DATE, 1), fetchedAt) };
    case 'same':
      return { kind: 'value', value: valueFor(source, STORED_DATE, fetchedAt) };
    case 'older':
      return { kind: 'value', value: valueFor(source, addDays(STORED_DATE, -3), fetchedAt) };
    case 'invalid':
      return { kind: 'invalid', error: { code: 'invalid_value', message: 'dated tomorrow' } };
    case 'failure':
      return { kind: 'failure', error: { code: 'upstream_error', message: 'HTTP 500' } };
  }
}

/** The entry as the store leaves it after a settlement (what cache-store.ts writes). */
function applySettlement(entry: CacheEntry | undefined, settlement: Settlement, at: number): CacheEntry {
  switch (settlement.kind) {
    case 'store':
    case 'checked':
      return { value: settlement.value, lastError: undefined, nextAttemptAt: undefined };
    case 'failed':
      return {
        value: entry?.value,
        lastError: { ...settlement.error, at },
        nextAttemptAt: settlement.settledUntil,
      };
  }
}

const EXPECTED_KIND: Record<Answered, Settlement['kind']> = {
  newer: 'store',
  same: 'store',
  older: 'checked',
  invalid: 'failed',
  failure: 'failed',
};

const ROWS = SOURCES.flatMap((source) =>
  (['nothing', 'a value'] as const).flatMap((stored) =>
    (['fresh', 'due', 'late', 'backing off'] as const)
      .filter((state) => stored === 'a value' || state === 'due')
      .flatMap((state) =>
        (['newer', 'same', 'older', 'invalid', 'failure'] as const).map(
          (answered) => [source, stored, state, answered] as const,
        ),
      ),
  ),
);

describe('settleRefresh: every (stored × answered × state) pair settles until a named instant', () => {
  it('covers the whole table', () => {
    expect(ROWS).toHaveLength(3 * (4 * 5 + 5));
  });

  it.each(ROWS)('%s, %s stored, %s, answer %s', (source, stored, state, answered) => {
    const before = stored === 'nothing' ? undefined : storedEntry(source, state);
    const fetchedAt = NOW + 200;

    const settlement = settleRefresh(
      source,
      before?.value,
      answerFor(source, answered, fetchedAt),
      NOW,
      POLICY,
    );

    // With nothing stored, any valid answer is new.
    const kind =
      stored === 'nothing' && answered !== 'invalid' && answered !== 'failure'
        ? 'store'
        : EXPECTED_KIND[answered];
    expect(settlement.kind).toBe(kind);
    // Settled: no call before the named instant, never sooner than the source's spacing.
    expect(settlement.settledUntil).toBeGreaterThanOrEqual(NOW + minCallSpacingMs(source, POLICY));
    const after = applySettlement(before, settlement, NOW);
    const storedFreshUntil = before?.value?.freshUntil ?? NOW;
    const samples = [NOW, fetchedAt, storedFreshUntil - 1, storedFreshUntil, settlement.settledUntil - 1];
    for (const t of samples.filter((at) => at >= NOW && at < settlement.settledUntil)) {
      const reached = entryState(after, t);
      expect(['fresh', 'late', 'backing_off']).toContain(reached.state);
      if ('until' in reached) expect(reached.until).toBeGreaterThan(t);
      if ('until' in reached) expect(reached.until).toBeLessThanOrEqual(settlement.settledUntil);
    }
    expect(['due', 'empty']).toContain(entryState(after, settlement.settledUntil).state);
    // Served `stale: false` only while fresh_until is ahead: fresh/late states end at fresh_until.
    if (settlement.kind !== 'failed') expect(settlement.value.freshUntil).toBe(settlement.settledUntil);

    if (settlement.kind === 'store') {
      const version = answerFor(source, answered, fetchedAt);
      expect(version.kind === 'value' && settlement.value.dataVersion).toBe(
        version.kind === 'value' && version.value.dataVersion,
      );
    }
    if (settlement.kind === 'checked') {
      // The stored value stays, with when it was checked.
      expect(settlement.value.dataVersion).toBe(before?.value?.dataVersion);
      expect(settlement.value.fetchedAt).toBe(before?.value?.fetchedAt);
      expect(settlement.value.checkedAt).toBe(fetchedAt);
    }
    if (settlement.kind === 'failed') expect(after.value).toBe(before?.value);
  });

  it('checks an older Fixer snapshot again one full interval later', () => {
    const stored = storedEntry('fixer', 'due').value;
    const settlement = settleRefresh('fixer', stored, answerFor('fixer', 'older', NOW), NOW, POLICY);

    expect(settlement).toMatchObject({ kind: 'checked', settledUntil: NOW + POLICY.fixerMinIntervalMs });
  });

  it('waits out an upstream Retry-After longer than the spacing', () => {
    const answer: RefreshAnswer = {
      kind: 'failure',
      error: { code: 'quota_exhausted', message: 'limit', retryAfterSeconds: 3_600 },
    };
    expect(settleRefresh('banxico', undefined, answer, NOW, POLICY).settledUntil).toBe(NOW + HOUR);
  });
});

describe('entryState', () => {
  it('names each state', () => {
    expect(entryState(undefined, NOW)).toEqual({ state: 'empty' });
    expect(entryState(storedEntry('banxico', 'fresh'), NOW)).toEqual({ state: 'fresh', until: NOW + HOUR });
    expect(entryState(storedEntry('banxico', 'late'), NOW)).toEqual({
      state: 'late',
      until: NOW + 10 * MINUTE,
    });
    expect(entryState(storedEntry('banxico', 'due'), NOW)).toEqual({ state: 'due' });
    expect(entryState(storedEntry('banxico', 'backing off'), NOW)).toEqual({
      state: 'backing_off',
      until: NOW + MINUTE,
    });
  });
});

/** A small deterministic PRNG, so a failing sequence can be replayed. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('under any answer sequence', () => {
  it.each(SOURCES)('calls %s at most once per spacing, over three days of a request a minute', (source) => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = mulberry32(seed);
      const kinds: Answered[] = ['newer', 'same', 'older', 'invalid', 'failure'];
      let entry: CacheEntry | undefined;
      let publishedDate = '2026-11-20';
      const calls: number[] = [];
      for (let t = NOW; t < NOW + 3 * 24 * HOUR; t += MINUTE) {
        const state = entryState(entry, t);
        if (state.state !== 'due' && state.state !== 'empty') {
          if (state.state === 'fresh' || state.state === 'late')
            expect(entry?.value?.freshUntil).toBeGreaterThan(t);
          continue;
        }
        calls.push(t);
        const answered = kinds[Math.floor(random() * kinds.length)] ?? 'failure';
        const today = mexicoCityDate(new Date(t));
        if (answered === 'newer' && publishedDate < today) publishedDate = addDays(publishedDate, 1);
        const date = answered === 'older' ? addDays(publishedDate, -2) : publishedDate;
        const answer: RefreshAnswer =
          answered === 'invalid' || answered === 'failure'
            ? answerFor(source, answered, t)
            : { kind: 'value', value: valueFor(source, date, t) };
        entry = applySettlement(entry, settleRefresh(source, entry?.value, answer, t, POLICY), t);
      }
      const spacing = minCallSpacingMs(source, POLICY);
      for (let i = 1; i < calls.length; i++) {
        expect((calls[i] ?? 0) - (calls[i - 1] ?? 0)).toBeGreaterThanOrEqual(spacing);
      }
      expect(calls.length).toBeGreaterThan(2);
    }
  });
});
