import { failureOf, getAuthorized } from './api.js';
import { formatShortDay, formatWeekdayDay, numberFormat } from './format.js';
import { messageFor } from './messages.js';
import { PageError } from './page-error.js';
import { readJson } from './session.js';
import { type FiscalRate, readFiscal } from './types.js';

/**
 * The fiscal rate for a date (GET /v1/rates/fiscal?date=D) in one sentence, then its rule as
 * the server states it (Código Fiscal de la Federación art. 20 and the branch that applied:
 * the DOF publication of the latest day strictly before D). Nothing is recomputed here.
 */
export function fiscalSentence(fiscal: FiscalRate): string {
  return (
    `Tipo de cambio fiscal para obligaciones del ${formatWeekdayDay(fiscal.date)}: ` +
    `${numberFormat.format(fiscal.value)} pesos por dólar, publicado en el DOF el ` +
    `${formatShortDay(fiscal.dof_date)} (FIX del ${formatShortDay(fiscal.fix_date)}). Regla: ${fiscal.rule}`
  );
}

/** The fiscal sentence for `date`, or the words of what failed (the box shows either). */
export async function fiscalTextFor(date: string, observe: (response: Response) => void): Promise<string> {
  try {
    const response = await getAuthorized(`v1/rates/fiscal?date=${encodeURIComponent(date)}`);
    observe(response);
    if (response.status !== 200) throw await failureOf(response);
    const fiscal = readFiscal(await readJson(response));
    if (fiscal === undefined) throw new PageError('server', { status: response.status });
    return fiscalSentence(fiscal);
  } catch (error) {
    return `No pudimos obtener el tipo de cambio fiscal: ${messageFor(error)}`;
  }
}
