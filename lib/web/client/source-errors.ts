import { el } from './dom.js';
import { SOURCE_NAMES, SOURCE_PROBLEMS } from './messages.js';
import type { Rate, SourceErrors } from './types.js';

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
