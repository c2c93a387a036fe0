import { parseOptionalDate, QueryError } from '../history/query.js';
import { CURRENCY_DECIMALS, checkAmount, MAX_INTEGER_DIGITS } from './convert.js';
import { CONVERSION_KINDS, type ConversionKind, CURRENCIES, type Currency } from './types.js';

/** The query parameters of GET /v1/convert; any other is refused by name. */
export const CONVERT_PARAMETERS = ['amount', 'from', 'to', 'kind', 'date'] as const;

/** A checked /v1/convert query. */
export interface ConvertQuery {
  /** Written with the `from` currency's decimals ("1000.00"). */
  amount: string;
  from: Currency;
  to: Currency;
  kind: ConversionKind;
  /** The Mexico City date to convert at; undefined means today. */
  date: string | undefined;
}

type Query = Readonly<Record<string, string | undefined>> | null | undefined;

/** What a value sent may look like in a message: quoted, escaped, at most 40 characters. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

function required(query: Query, name: string, form: string): string {
  const value = query?.[name];
  if (value === undefined) throw new QueryError(name, `Missing query parameter ${name}. Expected ${form}.`);
  return value;
}

function invalid(name: string, value: string, reason: string, form: string): QueryError {
  return new QueryError(
    name,
    `Invalid query parameter ${name} ${quoted(value)}: ${reason}. Expected ${form}.`,
  );
}

const isCurrency = (value: string): value is Currency => (CURRENCIES as readonly string[]).includes(value);
const isKind = (value: string): value is ConversionKind =>
  (CONVERSION_KINDS as readonly string[]).includes(value);

function amountForm(currency: Currency): string {
  return `a positive decimal such as 1000.00: digits and one dot, at most ${MAX_INTEGER_DIGITS} integer digits and at most ${CURRENCY_DECIMALS[currency]} decimals for ${currency} (SAT c_Moneda)`;
}

/**
 * A non-zero amount whose conversion rounds to zero (0.10 MXN at 20.0777 is 0.00 USD): a
 * QueryError naming amount, so "0.00" is never answered as if it were a result.
 */
export function amountTooSmall(query: ConvertQuery, rateValue: string): QueryError {
  const unit = (1 / 10 ** CURRENCY_DECIMALS[query.to]).toFixed(CURRENCY_DECIMALS[query.to]);
  return invalid(
    'amount',
    query.amount,
    `it converts to less than ${unit} ${query.to} at the ${query.kind} rate ${rateValue}`,
    `an amount worth at least ${unit} ${query.to}`,
  );
}

const FROM_FORM = 'USD or MXN';
const KIND_FORM = `one of ${CONVERSION_KINDS.join(', ')}`;

function parseCurrencies(query: Query): { from: Currency; to: Currency } {
  const from = required(query, 'from', FROM_FORM);
  if (!isCurrency(from)) throw invalid('from', from, 'not a currency this API converts', FROM_FORM);
  const other: Currency = from === 'USD' ? 'MXN' : 'USD';
  const toForm = `${other} (the other currency of the pair USD/MXN)`;
  const to = required(query, 'to', toForm);
  if (to !== other) {
    const reason = to === from ? `it is the same currency as from` : 'not a currency this API converts';
    throw invalid('to', to, reason, toForm);
  }
  return { from, to: other };
}

/**
 * Checks a /v1/convert query against `today` (the Mexico City date now). Checks in the order
 * from, to, amount (its decimals depend on the currency), kind, date (as the dated rates
 * routes check it); throws QueryError (lib/history/query.ts), naming the parameter and its
 * accepted form, for the first parameter that fails.
 */
export function parseConvertQuery(query: Query, today: string): ConvertQuery {
  const { from, to } = parseCurrencies(query);
  const amountText = required(query, 'amount', amountForm(from));
  const amount = checkAmount(amountText, from);
  if (!amount.ok) throw invalid('amount', amountText, amount.reason, amountForm(from));
  const kind = required(query, 'kind', KIND_FORM);
  if (!isKind(kind)) throw invalid('kind', kind, 'not a rate kind', KIND_FORM);
  return { amount: amount.amount, from, to, kind, date: parseOptionalDate(query, today) };
}
