import { describe, expect, it } from 'vitest';
import { mexicoCityInstant } from '../../../lib/core/mexico-time.js';
import { ProviderError } from '../../../lib/core/provider-error.js';
import type { ParsedSource, SourceId } from '../../../lib/core/rate.js';
import { parseBanxicoSeries } from '../../../lib/providers/banxico.js';
import { parseDofPage } from '../../../lib/providers/dof.js';
import { parseFixerLatest } from '../../../lib/providers/fixer.js';
import {
  assertSourceTimes,
  CLOCK_SKEW_MS,
  epochSecondsToDate,
  hasValidTimes,
} from '../../../lib/rates/time-checks.js';
import { thrownBy } from '../../helpers/provider-context.js';
import { DOF_CAPTURE, readCapture } from '../../helpers/upstream-files.js';

/** Sunday 29/11/2026, 12:00 in Mexico City. */
const NOW = mexicoCityInstant('2026-11-29', 12).getTime();
const SECONDS = Math.floor(NOW / 1000);
const DAY_S = 86_400;

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const fixer = (fields: Record<string, unknown>) =>
  json({ success: true, base: 'EUR', rates: { USD: 1.0412, MXN: 19.182 }, ...fields });

function expectInvalid(error: unknown, message?: string): void {
  expect(error).toBeInstanceOf(ProviderError);
  expect(error).toMatchObject({ code: 'invalid_value', ...(message === undefined ? {} : { message }) });
}

/** The parse and the time check, as rate-service.ts runs them before storing. */
function checked(parse: () => ParsedSource, source: SourceId, now = NOW): ParsedSource {
  const parsed = parse();
  assertSourceTimes(parsed, source, now);
  return parsed;
}

describe('no value from the future', () => {
  it('refuses an SF43718 FIX dated 02/12/2026 on 29/11/2026 (keyed by determination date)', () => {
    const body = json({
      bmx: { series: [{ idSerie: 'SF43718', datos: [{ fecha: '02/12/2026', dato: '18.5000' }] }] },
    });

    const error = thrownBy(() => checked(() => parseBanxicoSeries(body, 'application/json'), 'banxico'));

    expectInvalid(
      error,
      'Banxico SIE (banxico) is dated 2026-12-02, after today (2026-11-29) in Mexico City',
    );
  });

  it('refuses a Fixer timestamp five days ahead', () => {
    const body = fixer({ timestamp: SECONDS + 5 * DAY_S, date: '2026-12-04' });

    expectInvalid(thrownBy(() => checked(() => parseFixerLatest(body), 'fixer')));
  });

  it('refuses a Fixer date five days ahead even with a timestamp of now', () => {
    const body = fixer({ timestamp: SECONDS, date: '2026-12-04' });

    expectInvalid(thrownBy(() => checked(() => parseFixerLatest(body), 'fixer')));
  });

  it('refuses a DOF page whose newest row is dated after today', () => {
    // The capture's newest row is 15/11/2020: "today" is the day before.
    const dayBefore = mexicoCityInstant('2020-11-14', 12).getTime();

    const error = thrownBy(() => checked(() => parseDofPage(readCapture(DOF_CAPTURE)), 'dof', dayBefore));

    expectInvalid(error);
    expect((error as Error).message).toMatch(
      /is dated 2020-11-15, after today \(2020-11-14\) in Mexico City$/,
    );
    expect(() => checked(() => parseDofPage(readCapture(DOF_CAPTURE)), 'dof', NOW)).not.toThrow();
  });

  it('refuses a page whose newest row is in the future even when the served rows are not', () => {
    const parsed: ParsedSource = {
      rates: [
        {
          key: 'dof',
          value: 20.5,
          date: '2026-11-27',
          lastUpdated: '2026-11-27T06:00:00.000Z',
          kind: 'dof',
          source: 'test',
          provenance: {},
        },
      ],
      newestRowDate: '2026-11-30',
    };

    expectInvalid(
      thrownBy(() => assertSourceTimes(parsed, 'dof', NOW)),
      'DOF page newest row is dated 2026-11-30, after today (2026-11-29) in Mexico City',
    );
  });

  it('allows the clock skew at midnight and nothing beyond it', () => {
    const body = json({
      bmx: { series: [{ idSerie: 'SF43718', datos: [{ fecha: '30/11/2026', dato: '18.5000' }] }] },
    });
    const midnight = mexicoCityInstant('2026-11-30', 0).getTime();
    const parse = () => parseBanxicoSeries(body, 'application/json');

    expect(() => checked(parse, 'banxico', midnight - CLOCK_SKEW_MS)).not.toThrow();
    expectInvalid(thrownBy(() => checked(parse, 'banxico', midnight - CLOCK_SKEW_MS - 1)));
  });

  it('finds a stored future-dated value invalid too', () => {
    const body = json({
      bmx: { series: [{ idSerie: 'SF43718', datos: [{ fecha: '02/12/2026', dato: '18.5000' }] }] },
    });

    expect(hasValidTimes(parseBanxicoSeries(body, 'application/json'), 'banxico', NOW)).toBe(false);
    expect(
      hasValidTimes(parseBanxicoSeries(body, 'application/json'), 'banxico', NOW + 3 * DAY_S * 1000),
    ).toBe(true);
  });
});

describe('no nonsense instants', () => {
  it('refuses a Fixer timestamp in milliseconds instead of serving the year 58882', () => {
    const body = fixer({ timestamp: NOW, date: '2026-11-29' });

    const error = thrownBy(() => parseFixerLatest(body));

    expectInvalid(error, `Fixer timestamp ${NOW} is not in seconds (milliseconds?)`);
  });

  it.each([
    ['before 2000', 946_684_799, 'is before 2000'],
    ['zero', 0, 'is before 2000'],
    ['fractional', 1_764_432_000.5, 'is not a whole number of seconds'],
  ])('refuses an epoch %s', (_name, value, message) => {
    expectInvalid(thrownBy(() => epochSecondsToDate(value, 'Fixer timestamp')));
    expect((thrownBy(() => epochSecondsToDate(value, 'Fixer timestamp')) as Error).message).toContain(
      message,
    );
  });

  it.each([
    ['zero', 0],
    ['negative', -1],
    ['fractional', 1_764_432_000.5],
    ['in microseconds', 1_764_432_000_000_000],
  ])(
    'refuses a Fixer body whose timestamp is %s as invalid_value, not as a format change',
    (_name, timestamp) => {
      expectInvalid(thrownBy(() => parseFixerLatest(fixer({ timestamp, date: '2026-11-29' }))));
    },
  );

  it('accepts the first second of 2000', () => {
    expect(epochSecondsToDate(946_684_800, 'x').toISOString()).toBe('2000-01-01T00:00:00.000Z');
  });
});

describe('a source that disagrees with itself', () => {
  it('serves the date Fixer states for its rates, and shows the timestamp date in provenance', () => {
    // Fixer's `date` three days older than its `timestamp`.
    const body = fixer({ timestamp: SECONDS, date: '2026-11-26' });

    const parsed = checked(() => parseFixerLatest(body), 'fixer');

    expect(parsed.rates[0]).toMatchObject({
      date: '2026-11-26',
      lastUpdated: new Date(SECONDS * 1000).toISOString(),
      provenance: { fixer_date: '2026-11-26', timestamp: SECONDS, timestamp_date: '2026-11-29' },
    });
    expect(parsed.warnings).toEqual([
      `Fixer date 2026-11-26 disagrees with its timestamp ${SECONDS} (2026-11-29)`,
    ]);
  });

  it('raises no warning when the date and the timestamp agree', () => {
    const parsed = checked(
      () => parseFixerLatest(fixer({ timestamp: SECONDS, date: '2026-11-29' })),
      'fixer',
    );

    expect(parsed.warnings).toBeUndefined();
    expect(parsed.rates[0]?.provenance).not.toHaveProperty('timestamp_date');
    expect(parsed.rates[0]?.date).toBe('2026-11-29');
  });
});
