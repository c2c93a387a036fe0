import { formatShortDay, numberFormat, percentFormat } from './format.js';
import { RATE_ORDER, rateName } from './series.js';
import type { ConsistencyCheck, Rate } from './types.js';

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

export interface Verdict {
  text: string;
  /** 'check-ok', 'check-bad' or '' (not checkable). */
  className: string;
}

/**
 * The DOF = FIX(previous banking day) verdict, read from the server's `consistency.dof_vs_fix`
 * (the rule lives on the server: lib/rates; the page never recomputes it).
 */
export function dofCheckVerdict(check: ConsistencyCheck | undefined): Verdict {
  const prefix = 'Revisión DOF = FIX';
  if (check === undefined) return { text: `${prefix}: el servicio no envió esta revisión.`, className: '' };
  const dof = check.sides.dof ?? null;
  const fix = check.sides.fix ?? null;
  if (check.ok === null || dof === null || fix === null) {
    const why =
      dof === null
        ? 'no hay un valor del DOF para comparar'
        : fix === null
          ? `no tenemos el FIX del día hábil anterior al ${formatShortDay(dof.date)}, que el DOF de ese día publica`
          : (check.reason ?? 'el servicio no pudo compararlos');
    return { text: `${prefix}: no se puede hacer con estos valores: ${why}.`, className: '' };
  }
  return check.ok
    ? {
        text:
          `${prefix}: correcta. El DOF del ${formatShortDay(dof.date)} (${numberFormat.format(dof.value)}) ` +
          `es igual al FIX del ${formatShortDay(fix.date)}.`,
        className: 'check-ok',
      }
    : {
        text:
          `${prefix}: no coinciden. El DOF del ${formatShortDay(dof.date)} es ${numberFormat.format(dof.value)} ` +
          `y el FIX del ${formatShortDay(fix.date)} es ${numberFormat.format(fix.value)}.`,
        className: 'check-bad',
      };
}
