import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../lib/core/provider-error.js';
import { parseDofPage } from '../../../lib/providers/dof.js';
import { DOF_CAPTURE, readCapture } from '../../helpers/upstream-files.js';

/**
 * Mutates the real page thousands of times and checks the one property that matters:
 * the parser either returns numbers and dates that are really on the page, or says the
 * layout changed / the value is implausible. Never a crash, never an invented value.
 */

/** Enough for every kind of outcome in seconds; DOF_FUZZ_ITERATIONS=3000 (or more) digs deeper. */
const ITERATIONS = Number(process.env.DOF_FUZZ_ITERATIONS ?? 400);
const SEED = 0x5eed_d0f;

/** mulberry32: tiny, fast, and the same sequence on every machine. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// latin1: one char per byte, so string edits are byte edits.
const page = readCapture(DOF_CAPTURE).toString('latin1');
const tableStart = page.indexOf('renglonTituloColumnas');
const tableEnd = page.indexOf('</table>', tableStart);
const DATA_ROW = /<tr class="renglon(?:Non|Par)" align="center">[\s\S]*?<\/tr>/g;

type Mutation = (text: string) => string;

function mutations(random: () => number): Record<string, Mutation> {
  const int = (max: number): number => Math.floor(random() * max);
  // Half of the edits land in the data table, where they matter most.
  const position = (text: string): number =>
    random() < 0.5 && tableEnd > tableStart ? tableStart + int(tableEnd - tableStart) : int(text.length + 1);
  const range = (text: string): [number, number] => {
    const start = Math.min(position(text), text.length);
    return [start, Math.min(text.length, start + 1 + int(random() < 0.7 ? 40 : 600))];
  };
  const replaceNth = (text: string, pattern: RegExp, replacement: (match: string) => string): string => {
    const matches = [...text.matchAll(pattern)];
    const chosen = matches[int(matches.length)];
    if (chosen?.index === undefined) return text;
    return text.slice(0, chosen.index) + replacement(chosen[0]) + text.slice(chosen.index + chosen[0].length);
  };

  return {
    deleteRange: (text) => {
      const [start, end] = range(text);
      return text.slice(0, start) + text.slice(end);
    },
    duplicateRange: (text) => {
      const [start, end] = range(text);
      return text.slice(0, end) + text.slice(start, end) + text.slice(end);
    },
    swapRanges: (text) => {
      const [a, b] = [range(text), range(text)].sort((x, y) => x[0] - y[0]);
      if (a === undefined || b === undefined || a[1] > b[0]) return text;
      return (
        text.slice(0, a[0]) +
        text.slice(b[0], b[1]) +
        text.slice(a[1], b[0]) +
        text.slice(a[0], a[1]) +
        text.slice(b[1])
      );
    },
    replaceDigit: (text) => replaceNth(text, /\d/g, () => String(int(10))),
    replaceDigitInTable: (text) => {
      const offset = Math.max(0, tableStart);
      return text.slice(0, offset) + replaceNth(text.slice(offset), /\d/g, () => String(int(10)));
    },
    dropTag: (text) => replaceNth(text, /<\/?[a-zA-Z][^>]*>/g, () => ''),
    truncate: (text) => text.slice(0, position(text)),
    injectNotAvailable: (text) => replaceNth(text, /\d+\.\d{4}/g, () => 'N/E'),
    injectByte: (text) => {
      const at = position(text);
      return text.slice(0, at) + String.fromCharCode(int(256)) + text.slice(at);
    },
    swapRows: (text) => {
      const rows = [...text.matchAll(DATA_ROW)].map((match) => match[0]);
      const first = rows[int(rows.length)];
      const second = rows[int(rows.length)];
      if (first === undefined || second === undefined || first === second) return text;
      return text.replace(first, '\u0001').replace(second, first).replace('\u0001', second);
    },
  };
}

function ddMmYyyy(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}

describe('parseDofPage under mutation', () => {
  it(`returns only values and dates present on the page, or a layout/value error, over ${ITERATIONS} mutations`, () => {
    // Prepare
    const random = mulberry32(SEED);
    const table = mutations(random);
    const names = Object.keys(table);
    const outcomes = { parsed: 0, layout_changed: 0, invalid_value: 0 };
    const violations: string[] = [];

    for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
      let mutated = page;
      const applied: string[] = [];
      for (let count = 1 + Math.floor(random() * 3); count > 0; count -= 1) {
        const name = names[Math.floor(random() * names.length)] ?? 'deleteRange';
        applied.push(name);
        mutated = table[name]?.(mutated) ?? mutated;
      }

      // Act
      let result: ReturnType<typeof parseDofPage> | undefined;
      let failure: unknown;
      try {
        result = parseDofPage(Buffer.from(mutated, 'latin1'));
      } catch (error) {
        failure = error;
      }

      // Assess (collected, so one report lists every violating case)
      if (result !== undefined) {
        outcomes.parsed += 1;
        const values = [...result.rates.map((rate) => rate.value), ...Object.values(result.fixByDate ?? {})];
        const dates = [...result.rates.map((rate) => rate.date), ...Object.keys(result.fixByDate ?? {})];
        for (const value of values) {
          if (!mutated.includes(value.toFixed(4)))
            violations.push(`#${iteration} ${applied}: value ${value}`);
        }
        for (const date of dates) {
          if (!mutated.includes(ddMmYyyy(date))) violations.push(`#${iteration} ${applied}: date ${date}`);
        }
      } else if (
        failure instanceof ProviderError &&
        (failure.code === 'layout_changed' || failure.code === 'invalid_value')
      ) {
        outcomes[failure.code] += 1;
      } else {
        violations.push(`#${iteration} ${applied}: threw ${String(failure)}`);
      }
    }

    expect(violations).toEqual([]);
    // The mutations must exercise both outcomes, or the property above proves nothing.
    expect(outcomes.parsed).toBeGreaterThan(ITERATIONS / 10);
    expect(outcomes.layout_changed).toBeGreaterThan(ITERATIONS / 10);
    expect(outcomes.invalid_value).toBeGreaterThan(0);
  }, 120_000); // CPU-bound: ~8 s alone, several times that beside e2e stacks on two cores.
});
