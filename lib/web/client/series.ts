/**
 * One naming scheme for the whole page: the tabs, the cards, the chart legend and the
 * converter use these names (issue 16: "Fixer / Diario Oficial / Banxico" on the tabs and
 * "DOF / Para pagos / FIX / Mercado" on the cards named the same things twice).
 */

/** The rates answer's keys, in the page's order, with their names. */
export const RATE_NAMES = {
  dof: 'DOF',
  dof_para_pagos: 'Para pagos',
  banxico: 'FIX',
  banxico_para_pagos: 'FIX por liquidación (SF60653)',
  fixer: 'Mercado (Fixer)',
} as const;
export type RateKey = keyof typeof RATE_NAMES;
export const RATE_ORDER = Object.keys(RATE_NAMES) as RateKey[];

export const rateName = (key: string): string => (key in RATE_NAMES ? RATE_NAMES[key as RateKey] : key);

/** The views (tabs): all rates, or one source's route; a tab's name lists the cards it shows. */
export const VIEWS = {
  all: { path: 'v1/rates', title: 'Todas' },
  dof: { path: 'v1/rates/dof', title: `${RATE_NAMES.dof} y ${RATE_NAMES.dof_para_pagos.toLowerCase()}` },
  banxico: { path: 'v1/rates/banxico', title: RATE_NAMES.banxico },
  fixer: { path: 'v1/rates/fixer', title: RATE_NAMES.fixer },
} as const;
export type View = keyof typeof VIEWS;
export const isView = (value: string | undefined): value is View => value !== undefined && value in VIEWS;
