import { failureOf, getAuthorized } from './api.js';
import { formatShortDay, formatWeekdayDay, groupDigits } from './format.js';
import { PageError } from './page-error.js';
import { readJson } from './session.js';
import { sourceWords } from './spanish.js';
import { type Conversion, readConversion } from './types.js';

/**
 * The converter box: GET /v1/convert with the kind the user chose (there is no default: the
 * right rate depends on what the amount is for). Amounts stay decimal text end to end; the
 * page only groups the digits for reading.
 */
export const CONVERT_KINDS: Record<string, string> = {
  fix: 'FIX',
  dof: 'DOF',
  para_pagos: 'para pagos',
  fiscal: 'fiscal (CFF art. 20)',
  market: 'de mercado (Fixer)',
};

export interface ConvertRequest {
  amount: string;
  from: 'USD' | 'MXN';
  to: 'USD' | 'MXN';
  kind: string;
  date?: string | undefined;
}

/** The server's rounding rule in Spanish when it is the known one, else as sent. */
function roundingWords(rounding: string): string {
  const match = /^half-up, (\d+) decimals/.exec(rounding);
  return match === null
    ? rounding
    : `mitad hacia arriba, a ${match[1]} decimales (catálogo c_Moneda del SAT)`;
}

/** "1,000.00 USD = 20,077.70 MXN", then the rate used with its date, then the rounding. */
export function conversionLines(conversion: Conversion): [string, string, string] {
  const { rate } = conversion;
  const since =
    rate.applies_since === undefined ? '' : `, vigente desde el ${formatShortDay(rate.applies_since)}`;
  return [
    `${groupDigits(conversion.amount)} ${conversion.from} = ${groupDigits(conversion.result)} ${conversion.to}`,
    `Con el tipo ${CONVERT_KINDS[rate.kind] ?? rate.kind} del ${formatWeekdayDay(rate.date)}${since}: ` +
      `${rate.value} pesos por dólar (fuente: ${sourceWords(rate.kind, rate.kind, rate.source)}).`,
    `Redondeo: ${roundingWords(conversion.rounding)}.`,
  ];
}

/** Asks the service; throws PageError (`bad-request` carries the server's detail naming the parameter). */
export async function convert(
  request: ConvertRequest,
  observe: (response: Response) => void,
): Promise<Conversion> {
  const query = new URLSearchParams({
    amount: request.amount,
    from: request.from,
    to: request.to,
    kind: request.kind,
  });
  if (request.date !== undefined) query.set('date', request.date);
  const response = await getAuthorized(`v1/convert?${query}`);
  observe(response);
  if (response.status !== 200) throw await failureOf(response);
  const conversion = readConversion(await readJson(response));
  if (conversion === undefined) throw new PageError('server', { status: response.status });
  return conversion;
}
