import { el } from './dom.js';
import { SOURCE_NAMES, sourceProblem } from './messages.js';
import type { Rate, SourceErrors } from './types.js';

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * One line per failing source: what failed, what to do, and whether an older value is still
 * shown: "Fixer (mercado): no pudimos conectarnos con la fuente. Suele ser pasajero: … No hay un valor que mostrar."
 */
export function sourceErrorItems(errors: SourceErrors, rates: Record<string, Rate>): HTMLLIElement[] {
  return Object.entries(errors).map(([source, error]) => {
    const { what, todo } = sourceProblem(error.code, error.message, source);
    const keys = source === 'dof' ? ['dof', 'dof_para_pagos'] : [source];
    const consequence = keys.some((key) => rates[key] !== undefined)
      ? 'Mostramos el último valor bueno, marcado como desactualizado.'
      : 'No hay un valor que mostrar.';
    return el(
      'li',
      { 'data-source': source, 'data-code': error.code },
      `${SOURCE_NAMES[source] ?? source}: ${what}. ${capitalized(todo)}. ${consequence}`,
    );
  });
}
