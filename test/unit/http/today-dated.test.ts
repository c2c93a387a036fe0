import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../lib/core/provider-error.js';
import type { FixerDay, HistoryReader } from '../../../lib/history/types.js';
import { withoutHistoricalFixerOn } from '../../../lib/http/today-dated.js';

describe('withoutHistoricalFixerOn', () => {
  it("never asks Fixer's historical endpoint for today, and still asks it for other dates", async () => {
    const asked: string[] = [];
    const reader: HistoryReader = {
      series: () => Promise.reject(new Error('not used')),
      storedFixer: () => Promise.resolve([]),
      fixerOn: (date) => {
        asked.push(date);
        return Promise.resolve({
          date,
          value: 20.1,
          lastUpdated: `${date}T00:00:00.000Z`,
          provenance: {},
          fetchedAt: 0,
        } satisfies FixerDay);
      },
    };
    const today = withoutHistoricalFixerOn(reader, '2026-11-29');

    const refused = await today.fixerOn('2026-11-29').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProviderError);
    expect((refused as ProviderError).code).toBe('not_published');
    expect((await today.fixerOn('2026-11-27')).value).toBe(20.1);
    expect(asked).toEqual(['2026-11-27']);
  });
});
