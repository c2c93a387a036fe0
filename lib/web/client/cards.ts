import { el, timeElement } from './dom.js';
import {
  daysBefore,
  formatAge,
  formatDuration,
  formatInstant,
  formatShortDay,
  formatWeekdayDay,
  mexicoCityToday,
  numberFormat,
} from './format.js';
import { sourceProblem } from './messages.js';
import { rateName } from './series.js';
import { sourceWords } from './spanish.js';
import type { Rate, SourceErrors } from './types.js';

/**
 * A rate's card, written around the value's date, never "today" (issue 16 item 2): what the
 * value is and for which day, a warning when a newer value was due and is not here
 * (`next_update` in the past = overdue), the age of the value first and our fetch second.
 */
interface KindWords {
  /** The card's headline for the value's date ("viernes 27 nov 2020"). */
  headline: (day: string) => string;
  /** What this kind of rate is, in one sentence (README "Rate semantics"). */
  explain: string;
  /** The label of `last_updated` for this kind. */
  published: string;
}

const KIND_WORDS: Record<string, KindWords> = {
  fix: {
    headline: (day) => `Tipo de cambio FIX determinado el ${day}`,
    explain:
      'Lo determina Banxico cada día hábil y lo publica a partir de las 12:00 (hora de la Ciudad de México).',
    published: 'Publicado por Banxico',
  },
  dof: {
    headline: (day) => `Publicado en el Diario Oficial el ${day}`,
    explain: 'Es el FIX del día hábil anterior, publicado en el Diario Oficial de la Federación.',
    published: 'Fecha de publicación',
  },
  para_pagos: {
    headline: (day) => `Para pagar obligaciones en dólares el ${day}`,
    explain:
      'Es el que el Diario Oficial publicó el día hábil anterior; se usa para pagar en México deudas en dólares.',
    published: 'Vigente desde',
  },
  market: {
    headline: (day) => `Tipo de mercado de Fixer del ${day}`,
    explain: 'Tipo intermedio de mercado de Fixer: una referencia independiente, no oficial.',
    published: 'Cotizado por Fixer',
  },
};

/** Words for one rate key rather than its kind: SF60653 is para pagos keyed by settlement date. */
const KEY_WORDS: Record<string, KindWords> = {
  banxico_para_pagos: {
    headline: (day) => `FIX con fecha de liquidación ${day}`,
    explain:
      'El FIX que Banxico determinó dos días hábiles antes, con la fecha en que se liquida (serie SF60653); en días hábiles coincide con para pagos.',
    published: 'Determinado por Banxico',
  },
};

const wordsFor = (key: string, kind: string): KindWords =>
  KEY_WORDS[key] ??
  KIND_WORDS[kind] ?? { headline: (day) => `${kind} del ${day}`, explain: '', published: 'Publicado' };

/** How the page reads one card: `asked` is the date of a dated answer (`?date=`), else undefined. */
export interface CardContext {
  now: number;
  asked?: string | undefined;
}

/** True when the `next_update` the source announced is past (today's answers only). */
const pastNextUpdate = (rate: Rate, context: CardContext): boolean =>
  context.asked === undefined &&
  rate.next_update !== undefined &&
  Date.parse(rate.next_update) <= context.now;

/**
 * A market rate (Fixer) is updated hourly, so today's must be from today or yesterday (Mexico
 * City). Its `next_update` is our next call, not the source's, so it never says "overdue".
 */
const marketBehind = (rate: Rate, context: CardContext): boolean =>
  context.asked === undefined &&
  rate.kind === 'market' &&
  rate.date < daysBefore(mexicoCityToday(context.now), 1);

/** True when a newer value should already be here (today's answers only). */
export const isOverdue = (rate: Rate, context: CardContext): boolean =>
  pastNextUpdate(rate, context) || marketBehind(rate, context);

function badge(text: string, testId: string, tone: 'warn' | 'info' = 'warn'): HTMLSpanElement {
  return el('span', { class: `badge badge-${tone}`, 'data-testid': testId }, text);
}

function cardTitle(key: string, rate: Rate, titleId: string, context: CardContext): HTMLHeadingElement {
  const title = el('h3', { id: titleId, class: 'card-title' }, rateName(key));
  if (isOverdue(rate, context)) title.append(' ', badge('Atrasado', 'overdue-badge'));
  if (rate.stale) title.append(' ', badge('Desactualizado', 'stale-badge'));
  if (rate.final === false) title.append(' ', badge('Provisional', 'provisional-badge', 'info'));
  return title;
}

/** The prominent line under the value: outdated (warning), carried over a day without its own, or nothing. */
function dateNotice(rate: Rate, context: CardContext): HTMLParagraphElement | null {
  if (isOverdue(rate, context)) {
    return el(
      'p',
      { class: 'outdated', 'data-testid': 'outdated' },
      `Este valor es del ${formatShortDay(rate.date)}; el de hoy no está disponible.`,
    );
  }
  if (context.asked !== undefined && rate.applies_since !== undefined) {
    return el(
      'p',
      { class: 'carried', 'data-testid': 'carried' },
      `El ${formatShortDay(context.asked)} no tuvo valor propio: aplica el del ${formatShortDay(rate.applies_since)}.`,
    );
  }
  return null;
}

function ageOf(rate: Rate, now: number): string {
  const seconds = (now - Date.parse(rate.last_updated)) / 1000;
  if (Number.isNaN(seconds)) return '—';
  return seconds < 0 ? `aún no vigente (desde ${formatInstant(rate.last_updated)})` : `${formatAge(seconds)}`;
}

function facts(key: string, rate: Rate, context: CardContext): HTMLDListElement {
  const list = el(
    'dl',
    { class: 'facts' },
    el('dt', null, 'Antigüedad del valor'),
    el('dd', { 'data-testid': 'value-age' }, ageOf(rate, context.now)),
    el('dt', null, wordsFor(key, rate.kind).published),
    el('dd', null, timeElement(rate.last_updated, formatInstant(rate.last_updated))),
  );
  const next = rate.next_update;
  if (context.asked === undefined && next !== undefined) {
    const overdue = pastNextUpdate(rate, context);
    list.append(
      el('dt', null, 'Siguiente publicación esperada'),
      el(
        'dd',
        { class: overdue ? 'overdue' : null, 'data-testid': 'next-update' },
        timeElement(next, formatInstant(next)),
        overdue
          ? ` · atrasada (debía llegar hace ${formatAge((context.now - Date.parse(next)) / 1000)})`
          : null,
      ),
    );
  }
  return list;
}

/** Our side, secondary: when we fetched it and until when we keep it without asking again. */
function fetchNote(rate: Rate, now: number): HTMLParagraphElement {
  const fetchedAgo = formatDuration((now - Date.parse(rate.fetched_at)) / 1000);
  const until = rate.fresh_until;
  return el(
    'p',
    { class: 'fetched' },
    'Consultado por nosotros el ',
    timeElement(rate.fetched_at, formatInstant(rate.fetched_at)),
    ` (hace ${fetchedAgo})`,
    ...(until === undefined
      ? ['.']
      : ['; próxima consulta a la fuente: ', timeElement(until, formatInstant(until)), '.']),
  );
}

/** One rate's card. `key` is the answer's key (`dof`, `dof_para_pagos`, `banxico`, `fixer`, …). */
export function renderCard(key: string, rate: Rate, context: CardContext): HTMLLIElement {
  const titleId = `rate-${key}-title`;
  const words = wordsFor(key, rate.kind);
  const warn = rate.stale || isOverdue(rate, context);
  const card = el(
    'li',
    { class: warn ? 'card is-stale' : 'card', 'data-rate': key, 'aria-labelledby': titleId },
    cardTitle(key, rate, titleId, context),
    el('p', { class: 'headline', 'data-testid': 'headline' }, words.headline(formatWeekdayDay(rate.date))),
    el(
      'p',
      { class: 'value' },
      el('span', { class: 'amount', 'data-testid': 'value' }, numberFormat.format(rate.value)),
      el('span', { class: 'unit' }, 'pesos por 1 dólar'),
    ),
    dateNotice(rate, context),
    el('p', { class: 'kind' }, words.explain),
    facts(key, rate, context),
  );
  if (rate.stale) {
    card.append(
      el('p', { class: 'stale-note' }, 'No pudimos actualizarlo: es el último valor bueno que tenemos.'),
    );
  }
  card.append(
    fetchNote(rate, context.now),
    el('p', { class: 'source' }, `Fuente: ${sourceWords(key, rate.kind, rate.source)}`),
  );
  return card;
}

/**
 * The card of a rate its source could not derive for the asked date while serving the other
 * (a dated answer's `rate_errors`): its name and the reason in Spanish, by the error code.
 */
export function renderMissingCard(key: string, error: SourceErrors[string]): HTMLLIElement {
  const titleId = `rate-${key}-title`;
  const { what, todo } = sourceProblem(error.code, error.message, key === 'banxico' ? 'banxico' : 'dof');
  return el(
    'li',
    { class: 'card is-stale', 'data-rate': key, 'data-code': error.code, 'aria-labelledby': titleId },
    el('h3', { id: titleId, class: 'card-title' }, rateName(key), ' ', badge('Sin valor', 'missing-badge')),
    el(
      'p',
      { class: 'outdated', 'data-testid': 'missing-reason' },
      `No hay valor para esta fecha: ${what}. ${todo.charAt(0).toUpperCase()}${todo.slice(1)}.`,
    ),
  );
}
