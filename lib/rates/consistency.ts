/**
 * The identities between sources, checked on the server so that the page and the smoke
 * checks read one result instead of recomputing it (README "Rate semantics",
 * shared UPSTREAMS.md "Mexican rate semantics"). Pure: the rates served and the DOF page's
 * own FIX column in, the `consistency` block of the rates answer out.
 *
 * Each check is `ok: true | false | null`; null means it could not be made, `reason` says
 * why and a missing side is null. Values are MXN per USD as served (4 decimals).
 */
import { isBankingDay, previousBankingDay } from '../core/banking-calendar.js';

/** One side of a check: the served value and the date it belongs to. */
export interface DatedValue {
  date: string;
  value: number;
}

interface CheckBase {
  ok: boolean | null;
  rule: string;
  /** Only when `ok` is null: why the check could not be made. */
  reason?: string;
}

export interface DofVsFix extends CheckBase {
  dof: DatedValue | null;
  fix: DatedValue | null;
  /** Where FIX(previous banking day) was taken from (only when found). */
  provenance?: string;
}

export interface ParaPagosVsSf60653 extends CheckBase {
  para_pagos: DatedValue | null;
  sf60653: DatedValue | null;
}

export interface FixerVsFix extends CheckBase {
  fixer: DatedValue | null;
  fix: DatedValue | null;
  /** |Fixer − FIX| in pesos, 4 decimals; null when not checkable. */
  spread_pesos: number | null;
  /** |Fixer − FIX| as a percentage of FIX, 2 decimals; null when not checkable. */
  spread_percent: number | null;
}

export interface Consistency {
  dof_vs_fix: DofVsFix;
  para_pagos_vs_sf60653: ParaPagosVsSf60653;
  fixer_vs_fix: FixerVsFix;
}

/**
 * What the checks read, by rate key as the API names them (`banxico` = FIX SF43718,
 * `dof`, `dof_para_pagos`, `fixer`, and `banxico_para_pagos` = SF60653 once that source
 * exists), plus the FIX column of the DOF page (ParsedSource.fixByDate).
 */
export interface ConsistencyInput {
  rates: Readonly<Record<string, DatedValue | undefined>>;
  dofPageFixByDate: Readonly<Record<string, number>> | undefined;
}

export const DOF_VS_FIX_RULE = 'DOF(D) = FIX(previous banking day)';
export const PARA_PAGOS_VS_SF60653_RULE = 'para pagos(D) = SF60653(D) on banking days';
export const FIXER_VS_FIX_RULE = '|Fixer − FIX| ≤ 1.5 % of FIX';
/** Fixer is a market mid-rate collected at another hour: it may differ from the FIX by this much. */
export const FIXER_TOLERANCE_PERCENT = 1.5;

/** FIX and DOF have 4 decimals: two values are the same rate when they agree to 4 decimals. */
function sameRate(a: number, b: number): boolean {
  return Math.round(a * 10_000) === Math.round(b * 10_000);
}

const round = (value: number, decimals: number) => Number(value.toFixed(decimals));

/** A side as the answer shows it: only its date and value. */
const side = (rate: DatedValue | undefined): DatedValue | null =>
  rate === undefined ? null : { date: rate.date, value: rate.value };

/** FIX(P): from Banxico SIE when its date is P, else from the DOF page's own FIX column. */
function fixOn(date: string, input: ConsistencyInput): { fix: DatedValue; provenance: string } | undefined {
  const banxico = input.rates.banxico;
  if (banxico?.date === date)
    return { fix: { date, value: banxico.value }, provenance: 'FIX from Banxico SIE SF43718' };
  const fromPage = input.dofPageFixByDate?.[date];
  if (fromPage === undefined) return undefined;
  return { fix: { date, value: fromPage }, provenance: "FIX from the DOF page's FIX column" };
}

export function checkDofVsFix(input: ConsistencyInput): DofVsFix {
  const dof = side(input.rates.dof);
  const rule = DOF_VS_FIX_RULE;
  if (dof === null) return { ok: null, rule, dof, fix: null, reason: 'DOF not available' };
  const previous = previousBankingDay(dof.date);
  const found = fixOn(previous, input);
  if (found === undefined)
    return { ok: null, rule, dof, fix: null, reason: `FIX of ${previous} not available` };
  return {
    ok: sameRate(dof.value, found.fix.value),
    rule,
    dof,
    fix: found.fix,
    provenance: found.provenance,
  };
}

export function checkParaPagosVsSf60653(input: ConsistencyInput): ParaPagosVsSf60653 {
  const para_pagos = side(input.rates.dof_para_pagos);
  const sf60653 = side(input.rates.banxico_para_pagos);
  const rule = PARA_PAGOS_VS_SF60653_RULE;
  const notCheckable = (reason: string) => ({ ok: null, rule, para_pagos, sf60653, reason });
  if (sf60653 === null) return notCheckable('SF60653 not available');
  if (para_pagos === null) return notCheckable('para pagos not available');
  if (para_pagos.date !== sf60653.date)
    return notCheckable(`different dates: para pagos ${para_pagos.date}, SF60653 ${sf60653.date}`);
  if (!isBankingDay(para_pagos.date)) return notCheckable(`${para_pagos.date} is not a banking day`);
  return { ok: sameRate(para_pagos.value, sf60653.value), rule, para_pagos, sf60653 };
}

export function checkFixerVsFix(input: ConsistencyInput): FixerVsFix {
  const fixer = side(input.rates.fixer);
  const fix = side(input.rates.banxico);
  const rule = FIXER_VS_FIX_RULE;
  if (fixer === null || fix === null) {
    const reason = fixer === null ? 'Fixer not available' : 'FIX not available';
    return { ok: null, rule, fixer, fix, spread_pesos: null, spread_percent: null, reason };
  }
  const spread = Math.abs(fixer.value - fix.value);
  const percent = (spread / fix.value) * 100;
  // Compared in pesos at the served precision (4 decimals), so float noise never decides.
  const tolerance = (fix.value * FIXER_TOLERANCE_PERCENT) / 100;
  return {
    ok: round(spread, 4) <= round(tolerance, 4),
    rule,
    fixer,
    fix,
    spread_pesos: round(spread, 4),
    spread_percent: round(percent, 2),
  };
}

/** The `consistency` block of a rates answer. */
export function checkConsistency(input: ConsistencyInput): Consistency {
  return {
    dof_vs_fix: checkDofVsFix(input),
    para_pagos_vs_sf60653: checkParaPagosVsSf60653(input),
    fixer_vs_fix: checkFixerVsFix(input),
  };
}

/** The checks that came out false, each with both sides, for a warning in the log. */
export function failedChecks(
  consistency: Consistency,
): Array<{ check: keyof Consistency; detail: CheckBase }> {
  return (Object.keys(consistency) as Array<keyof Consistency>)
    .filter((check) => consistency[check].ok === false)
    .map((check) => ({ check, detail: consistency[check] }));
}
