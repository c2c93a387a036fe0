/**
 * The rate for a date under a legal rule, with the rule spelled out (issue 15 item 4).
 *
 * - `fiscal` — Código Fiscal de la Federación, art. 20, third paragraph: for obligations in
 *   foreign currency, the rate Banxico publishes in the DOF on the day before the one the
 *   contribution is caused; on days without a publication, the last rate published before
 *   that day. So fiscal(D) = the DOF publication with the latest publication date strictly
 *   before D (UPSTREAMS.md "Rates for a date"; CFF text as restated by IDC, 2018-11-20).
 * - `para_pagos` — Banxico's rate for paying USD obligations in Mexico on D: the DOF
 *   publication of the previous banking day, para pagos(D) = DOF(previous banking day).
 *
 * Both read the same publication; they differ in the rule they cite. Pure.
 */
import { addDays } from '../core/mexico-time.js';
import type { FixTimeline } from './fix-timeline.js';

export const FISCAL_KINDS = ['fiscal', 'para_pagos'] as const;
export type FiscalKind = (typeof FISCAL_KINDS)[number];

export const FISCAL_RULE_DAY_BEFORE =
  'CFF art. 20, tercer párrafo: publicación del día anterior (tipo de cambio publicado en el DOF el día anterior a D)';
export const FISCAL_RULE_LAST_BEFORE =
  'CFF art. 20, tercer párrafo: última publicación anterior (el día anterior a D no hubo publicación en el DOF)';
export const PARA_PAGOS_RULE =
  'Para pagos (Banxico, tipo de cambio para solventar obligaciones en moneda extranjera): para pagos(D) = DOF(día hábil bancario anterior a D)';

export interface RuleRate {
  /** The requested date D. */
  date: string;
  /** MXN per 1 USD. */
  value: number;
  /** Publication date of the DOF value used (strictly before D). */
  dofDate: string;
  /** Banxico's FIX determination date behind that publication. */
  fixDate: string;
  rule: string;
  kind: FiscalKind;
  /** True when no later data can change it. */
  final: boolean;
}

/** The rate for D under `kind`, or undefined when the observations do not reach back far enough. */
export function rateUnderRule(timeline: FixTimeline, date: string, kind: FiscalKind): RuleRate | undefined {
  const applied = timeline.paraPagosOn(date);
  if (applied?.dofDate === undefined) return undefined;
  const dayBefore = addDays(date, -1);
  const rule =
    kind === 'para_pagos'
      ? PARA_PAGOS_RULE
      : applied.dofDate === dayBefore
        ? FISCAL_RULE_DAY_BEFORE
        : FISCAL_RULE_LAST_BEFORE;
  return {
    date,
    value: applied.value,
    dofDate: applied.dofDate,
    fixDate: applied.fixDate,
    rule,
    kind,
    final: applied.final,
  };
}
