import { describe, expect, it } from 'vitest';
import { badRequestWords, sourceWords } from '../../../lib/web/client/spanish.js';

const ENGLISH = /\b(the|is|from|Invalid|Expected|previous|future|derived)\b/;

describe('the page says the server’s English in Spanish', () => {
  it('keys a 400 by the parameter its detail names', () => {
    const cases: [string, string][] = [
      [
        'Invalid query parameter amount "1e3": exponent notation is not accepted. Expected a positive decimal such as 1000.00',
        'La cantidad no es válida: escribe un número positivo con hasta 2 decimales, como 1000.00 (sin exponentes ni signos, hasta 15 dígitos enteros).',
      ],
      [
        'date 2026-12-05 is in the future; rates exist up to today in Mexico City, 2026-11-29 (YYYY-MM-DD).',
        'La fecha no puede ser futura: elige hoy o un día anterior.',
      ],
      [
        'from 2020-11-20 is after to 2020-11-10; from must be on or before to.',
        'La fecha inicial debe ser anterior o igual a la final.',
      ],
      [
        'Query parameter amount is given more than once',
        'La consulta repite un dato. Recarga la página e intenta de nuevo.',
      ],
    ];
    for (const [detail, words] of cases) {
      expect(badRequestWords(detail)).toBe(words);
      expect(badRequestWords(detail)).not.toMatch(ENGLISH);
    }
  });

  it('says each source and dated rule in Spanish, by rate key and kind', () => {
    expect(
      sourceWords('dof', 'dof', 'DOF(D) = FIX(previous banking day), from Banxico SIE — serie SF43718'),
    ).toBe('Derivado: DOF = FIX del día hábil anterior (Banxico SIE SF43718)');
    expect(sourceWords('fixer', 'market', 'Fixer — historical endpoint')).toBe(
      'Fixer, valor histórico (mercado)',
    );
    expect(sourceWords('banxico', 'fix', 'Banxico SIE — serie SF43718 (FIX), http://x')).toBe(
      'Banxico SIE, serie SF43718 (FIX)',
    );
  });
});
