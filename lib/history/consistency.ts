/**
 * The `consistency` block of a dated rates answer (PLAN.md "The consistency block"; issue
 * 15 item 6): the same three checks as today's answer, each `ok` true / false / null
 * (null = not checkable, then `reason` says why and a missing side is null). Pure.
 *
 * - dof_vs_fix: DOF(D) = FIX(previous banking day). For a past date our DOF is derived from
 *   SF43718 by that very identity, so it is only checkable against an independent DOF
 *   value: a row of Banxico's scraped page for that date, when one is given.
 * - para_pagos_vs_sf60653: para pagos(D) = SF60653(D) on banking days (SF60653 is the FIX
 *   keyed by settlement date, a second SIE series); SF60653 has no row on other days.
 * - fixer_vs_fix: |Fixer − FIX| ≤ 1.5 % of FIX; spreads in pesos (4 decimals) and percent
 *   (2 decimals), both absolute.
 */
import { roundHalfUp } from '../core/plausibility.js';
import {
  DOF_VS_FIX_RULE,
  FIXER_TOLERANCE_PERCENT,
  FIXER_VS_FIX_RULE,
  PARA_PAGOS_VS_SF60653_RULE,
} from '../rates/consistency.js';

export interface DatedSide {
  date: string;
  value: number;
}

export interface ConsistencyCheck {
  ok: boolean | null;
  rule: string;
  reason?: string;
}

export interface DofVsFix extends ConsistencyCheck {
  dof: DatedSide | null;
  fix: DatedSide | null;
}
export interface ParaPagosVsSf60653 extends ConsistencyCheck {
  para_pagos: DatedSide | null;
  sf60653: DatedSide | null;
}
export interface FixerVsFix extends ConsistencyCheck {
  fixer: DatedSide | null;
  fix: DatedSide | null;
  spread_pesos: number | null;
  spread_percent: number | null;
}

export interface ConsistencyBlock {
  dof_vs_fix: DofVsFix;
  para_pagos_vs_sf60653: ParaPagosVsSf60653;
  fixer_vs_fix: FixerVsFix;
}

// The rules and the Fixer tolerance are today's answer's (lib/rates/consistency.ts): stated once.
export { DOF_VS_FIX_RULE, FIXER_VS_FIX_RULE, PARA_PAGOS_VS_SF60653_RULE };

/** Values are published with 4 decimals: equal means equal at that precision. */
export function sameRate(a: number, b: number): boolean {
  return Math.abs(a - b) < 0.00005;
}

/** An unavailable side or a condition that makes a check meaningless, in words. */
export type Unchecked = { reason: string };

export interface DatedConsistencyInput {
  /** The page's DOF for the publication date, and SF43718's FIX of the banking day before it. */
  dof: DatedSide | Unchecked;
  fixForDof: DatedSide | Unchecked;
  paraPagos: DatedSide | Unchecked;
  /** SF60653 on the para-pagos day, or why it cannot be compared (not a banking day, no data). */
  sf60653: DatedSide | Unchecked;
  fixer: DatedSide | Unchecked;
  fix: DatedSide | Unchecked;
}

const side = (value: DatedSide | Unchecked): DatedSide | null => ('reason' in value ? null : value);
const why = (...values: Array<DatedSide | Unchecked>): string | undefined =>
  [...new Set(values.flatMap((value) => ('reason' in value ? [value.reason] : [])))].join('; ') || undefined;

function equalityCheck(rule: string, left: DatedSide | Unchecked, right: DatedSide | Unchecked) {
  const reason = why(left, right);
  const a = side(left);
  const b = side(right);
  if (reason !== undefined || a === null || b === null)
    return { ok: null, rule, reason: reason ?? 'no value' };
  return { ok: sameRate(a.value, b.value), rule };
}

export function fixerVsFix(fixer: DatedSide | Unchecked, fix: DatedSide | Unchecked): FixerVsFix {
  const a = side(fixer);
  const b = side(fix);
  const reason = why(fixer, fix);
  if (reason !== undefined || a === null || b === null) {
    return {
      ok: null,
      rule: FIXER_VS_FIX_RULE,
      fixer: a,
      fix: b,
      spread_pesos: null,
      spread_percent: null,
      reason: reason ?? 'no value',
    };
  }
  const spread = Math.abs(a.value - b.value);
  const percent = (spread / b.value) * 100;
  return {
    ok: percent <= FIXER_TOLERANCE_PERCENT,
    rule: FIXER_VS_FIX_RULE,
    fixer: a,
    fix: b,
    spread_pesos: roundHalfUp(spread, 4),
    spread_percent: roundHalfUp(percent, 2),
  };
}

export function buildDatedConsistency(input: DatedConsistencyInput): ConsistencyBlock {
  const dof = equalityCheck(DOF_VS_FIX_RULE, input.dof, input.fixForDof);
  const paraPagos = equalityCheck(PARA_PAGOS_VS_SF60653_RULE, input.paraPagos, input.sf60653);
  return {
    dof_vs_fix: { ...pick(dof), dof: side(input.dof), fix: side(input.fixForDof) },
    para_pagos_vs_sf60653: {
      ...pick(paraPagos),
      para_pagos: side(input.paraPagos),
      sf60653: side(input.sf60653),
    },
    fixer_vs_fix: fixerVsFix(input.fixer, input.fix),
  };
}

/** ok, rule and (only when not checkable) reason, in that order. */
function pick(check: { ok: boolean | null; rule: string; reason?: string }): ConsistencyCheck {
  return check.ok === null ? { ok: null, rule: check.rule, reason: check.reason ?? 'no value' } : check;
}

/** The checks that failed, for the warning log line (both values included). */
export function failedChecks(block: ConsistencyBlock): Array<[string, ConsistencyCheck]> {
  return Object.entries(block).filter(([, check]) => (check as ConsistencyCheck).ok === false) as Array<
    [string, ConsistencyCheck]
  >;
}
