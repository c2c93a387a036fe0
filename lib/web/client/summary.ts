import { formatShortDay, numberFormat, percentFormat } from './format.js';
import { RATE_ORDER, rateName } from './series.js';
import {
  CONSISTENCY_SIDES,
  type Consistency,
  type ConsistencyCheck,
  type ConsistencyName,
  type DatedValue,
  type Rate,
} from './types.js';

/** "Diferencia entre el más alto (…) y el más bajo (…): 0.4550 pesos, 2.27% del más bajo." */
export function spreadText(rates: Record<string, Rate>): string {
  const shown = RATE_ORDER.flatMap((key) => {
    const rate = rates[key];
    return rate === undefined ? [] : [{ key, rate }];
  });
  const sorted = [...shown].sort((a, b) => a.rate.value - b.rate.value);
  const low = sorted[0];
  const high = sorted[sorted.length - 1];
  if (low === undefined || high === undefined || sorted.length < 2) {
    return 'Se necesitan al menos dos valores para calcular la diferencia.';
  }
  const spread = high.rate.value - low.rate.value;
  return (
    `Diferencia entre el más alto (${rateName(high.key)}, ${numberFormat.format(high.rate.value)}) ` +
    `y el más bajo (${rateName(low.key)}, ${numberFormat.format(low.rate.value)}): ` +
    `${numberFormat.format(spread)} pesos, ${percentFormat.format(spread / low.rate.value)} del más bajo.`
  );
}

/** One check's line: `tone` 'ok' (passed), 'bad' (failed) or 'unknown' (not checkable). */
export interface Verdict {
  name: ConsistencyName;
  text: string;
  tone: 'ok' | 'bad' | 'unknown';
}

/** How each check is said (PLAN "the consistency block"; the rules are the server's). */
const CHECK_WORDS: Record<ConsistencyName, { holds: string; fails: string; sides: Record<string, string> }> =
  {
    dof_vs_fix: {
      holds: 'DOF = FIX del día hábil anterior',
      fails: 'DOF ≠ FIX del día hábil anterior',
      sides: { dof: 'DOF', fix: 'FIX' },
    },
    para_pagos_vs_sf60653: {
      holds: 'Para pagos = FIX por fecha de liquidación (SF60653)',
      fails: 'Para pagos ≠ FIX por fecha de liquidación (SF60653)',
      sides: { para_pagos: 'para pagos', sf60653: 'SF60653' },
    },
    fixer_vs_fix: {
      holds: 'Fixer a no más de 1.5 % del FIX',
      fails: 'Fixer se aleja más de 1.5 % del FIX',
      sides: { fixer: 'Fixer', fix: 'FIX' },
    },
  };

const sideText = (label: string, side: DatedValue) =>
  `${label} del ${formatShortDay(side.date)}: ${numberFormat.format(side.value)}`;

function spreadWords(check: ConsistencyCheck): string {
  if (typeof check.spread_pesos !== 'number' || typeof check.spread_percent !== 'number') return '';
  return `; diferencia ${numberFormat.format(check.spread_pesos)} pesos (${check.spread_percent.toFixed(2)} %)`;
}

/**
 * One line per check the server sent: "DOF = FIX del día hábil anterior ✓ (DOF del 17 nov 2020:
 * 20.3987; FIX del 13 nov 2020: 20.3987)". The page never recomputes a rule (issue 14).
 */
export function consistencyVerdict(name: ConsistencyName, check: ConsistencyCheck): Verdict {
  const words = CHECK_WORDS[name];
  const sides = Object.entries(check.sides);
  const missing = sides.filter(([, side]) => side === null).map(([side]) => words.sides[side] ?? side);
  const shown = sides.flatMap(([side, value]) =>
    value === null ? [] : [sideText(words.sides[side] ?? side, value)],
  );
  if (check.ok === null || missing.length > 0) {
    const dates = new Set(sides.map(([, value]) => value?.date));
    const why =
      missing.length > 0
        ? `falta el valor de ${missing.join(' y ')}`
        : dates.size > 1
          ? `son de fechas distintas: ${shown.join('; ')}`
          : (check.reason ?? 'el servicio no pudo compararlos');
    return { name, text: `${words.holds}: no verificable (${why}).`, tone: 'unknown' };
  }
  const detail = `${shown.join('; ')}${spreadWords(check)}`;
  return check.ok
    ? { name, text: `${words.holds} ✓ (${detail})`, tone: 'ok' }
    : { name, text: `${words.fails} ✗ (${detail})`, tone: 'bad' };
}

/** The verdicts of the checks present, in the block's order; an empty list when none was sent. */
export function consistencyVerdicts(consistency: Consistency | undefined): Verdict[] {
  if (consistency === undefined) return [];
  return (Object.keys(CONSISTENCY_SIDES) as ConsistencyName[]).flatMap((name) => {
    const check = consistency[name];
    return check === undefined ? [] : [consistencyVerdict(name, check)];
  });
}
