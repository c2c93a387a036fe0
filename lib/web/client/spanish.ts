/**
 * Spanish texts for what the server says in English (issue 16 "en español en toda la
 * página"): a rate's `source`, and a 400's `detail`. The page never shows the server's
 * sentence; it says its own, keyed by what it knows (the rate key and kind, the parameter
 * the detail names).
 */

/** Whether the server derived the value from the FIX series (a dated DOF / para pagos). */
const isDerived = (source: string): boolean => /previous banking day|derived/i.test(source);

/** Where a rate comes from, in Spanish, by its key and kind. */
export function sourceWords(key: string, kind: string, source: string): string {
  const derived = isDerived(source);
  if (key === 'sf60653') return 'Banxico SIE, serie SF60653 (FIX por fecha de liquidación)';
  switch (kind) {
    case 'dof':
      return derived
        ? 'Derivado: DOF = FIX del día hábil anterior (Banxico SIE SF43718)'
        : 'Banxico: tipo de cambio publicado en el Diario Oficial (DOF)';
    case 'para_pagos':
      return derived
        ? 'Derivado: para pagos = DOF del día hábil anterior (Banxico SIE SF43718)'
        : 'Banxico: tipo de cambio para solventar obligaciones (para pagos)';
    case 'fix':
      return 'Banxico SIE, serie SF43718 (FIX)';
    case 'market':
      return /historical/i.test(source) ? 'Fixer, valor histórico (mercado)' : 'Fixer (mercado)';
    case 'fiscal':
      return 'Derivado: tipo de cambio fiscal (CFF art. 20) de la publicación del DOF';
    default:
      return key === 'fixer' ? 'Fixer (mercado)' : key === 'banxico' ? 'Banxico SIE (FIX)' : 'el servicio';
  }
}

/** The parameter a 400's detail names (`Invalid query parameter amount …`, `date 2026-12-05 is …`). */
export function parameterIn(detail: string): string | undefined {
  return /\b(amount|date|from|to|kind|format|month)\b/.exec(detail)?.[1];
}

const DATE_NAMES: Record<string, string> = {
  date: 'La fecha',
  from: 'La fecha inicial',
  to: 'La fecha final',
};

/** A refused query in Spanish, from the parameter its detail names: what is wrong, what to write. */
export function badRequestWords(detail: string | undefined): string {
  const text = detail ?? '';
  if (/more than once/.test(text)) return 'La consulta repite un dato. Recarga la página e intenta de nuevo.';
  if (/Unknown query parameter/.test(text))
    return 'La consulta lleva un dato que el servicio no conoce. Recarga la página e intenta de nuevo.';
  const parameter = parameterIn(text);
  switch (parameter) {
    case 'amount':
      return /converts to less than/.test(text)
        ? 'La cantidad es demasiado pequeña: convertida da menos de un centavo. Escribe una cantidad mayor.'
        : 'La cantidad no es válida: escribe un número positivo con hasta 2 decimales, como 1000.00 (sin exponentes ni signos, hasta 15 dígitos enteros).';
    case 'date':
    case 'from':
    case 'to': {
      const name = DATE_NAMES[parameter] ?? 'La fecha';
      if (/is in the future/.test(text)) return `${name} no puede ser futura: elige hoy o un día anterior.`;
      if (/is after/.test(text)) return 'La fecha inicial debe ser anterior o igual a la final.';
      if (/days; at most/.test(text)) return 'El periodo es demasiado largo: elige uno más corto.';
      return `${name} no es válida: elige una fecha del calendario (AAAA-MM-DD).`;
    }
    case 'kind':
      return 'Elige un tipo de cambio de la lista (FIX, DOF, para pagos, fiscal o mercado).';
    case 'format':
      return 'El formato pedido no es válido: usa CSV o JSON.';
    case 'month':
      return 'El mes no es válido: elige un mes del calendario (AAAA-MM).';
    default:
      return 'El servicio no aceptó la consulta. Revisa los datos e intenta de nuevo.';
  }
}
