import { el, timeElement } from './dom.js';
import { formatDay, formatDuration, formatInstant, numberFormat } from './format.js';
import { SOURCE_NAMES, SOURCE_PROBLEMS } from './messages.js';
import type { Rate, SourceErrors } from './types.js';

/** The rates in the order the page shows them, with their card titles. */
export const RATE_ORDER = ['dof', 'dof_para_pagos', 'banxico', 'fixer'] as const;
export const RATE_TITLES: Record<string, string> = {
  dof: 'DOF',
  dof_para_pagos: 'Para pagos',
  banxico: 'FIX',
  fixer: 'Mercado',
};
// The kind, explained in plain words (issue 6 gives these exact phrases).
const KIND_WORDS: Record<string, string> = {
  fix: 'FIX — set by Banxico today',
  dof: 'DOF — published today',
  para_pagos: 'Para pagos — use today for USD obligations',
  market: 'Market — Fixer',
};

function cardTitle(key: string, rate: Rate, titleId: string): HTMLHeadingElement {
  const title = el('h3', { id: titleId, class: 'card-title' }, RATE_TITLES[key] ?? key);
  if (rate.stale) {
    const age = rate.age_seconds === undefined ? '' : ` · hace ${formatDuration(rate.age_seconds)}`;
    title.append(' ', el('span', { class: 'badge', 'data-testid': 'stale-badge' }, `Desactualizado${age}`));
  }
  return title;
}

function facts(rate: Rate): HTMLDListElement {
  return el(
    'dl',
    { class: 'facts' },
    el('dt', null, 'Fecha del valor'),
    el('dd', null, timeElement(rate.date, formatDay(rate.date))),
    el('dt', null, 'Publicado por la fuente'),
    el('dd', null, timeElement(rate.last_updated, formatInstant(rate.last_updated))),
    el('dt', null, 'Consultado por nosotros'),
    el('dd', null, timeElement(rate.fetched_at, formatInstant(rate.fetched_at))),
  );
}

/** One rate's card: title, kind, value, its dates, staleness, source. */
export function renderCard(key: string, rate: Rate): HTMLLIElement {
  const titleId = `rate-${key}-title`;
  const card = el(
    'li',
    { class: rate.stale ? 'card is-stale' : 'card', 'data-rate': key, 'aria-labelledby': titleId },
    cardTitle(key, rate, titleId),
    el('p', { class: 'kind', lang: 'en' }, KIND_WORDS[rate.kind] ?? rate.kind),
    el(
      'p',
      { class: 'value' },
      el('span', { class: 'amount', 'data-testid': 'value' }, numberFormat.format(rate.value)),
      el('span', { class: 'unit' }, 'pesos por 1 dólar'),
    ),
    facts(rate),
  );
  if (rate.stale) {
    const age =
      rate.age_seconds === undefined ? '.' : `, consultado hace ${formatDuration(rate.age_seconds)}.`;
    card.append(
      el('p', { class: 'stale-note' }, `No pudimos actualizarlo: es el último valor bueno que tenemos${age}`),
    );
  }
  card.append(el('p', { class: 'source' }, `Fuente: ${rate.source}`));
  return card;
}

/** One line per failing source: what failed, and whether an older value is still shown. */
export function sourceErrorItems(errors: SourceErrors, rates: Record<string, Rate>): HTMLLIElement[] {
  return Object.entries(errors).map(([source, error]) => {
    const problem = SOURCE_PROBLEMS[error.code] ?? 'la fuente falló.';
    const keys = source === 'dof' ? ['dof', 'dof_para_pagos'] : [source];
    const consequence = keys.some((key) => rates[key] !== undefined)
      ? ' Mostramos el último valor bueno, marcado como desactualizado.'
      : ' No hay un valor que mostrar.';
    return el('li', { 'data-source': source }, `${SOURCE_NAMES[source] ?? source}: ${problem}${consequence}`);
  });
}
