import type { ProviderRegistry } from './types.js';

/**
 * One fetch per source, each module loaded on first use. The bundler emits every provider
 * (and the axios/cheerio code under it) as its own file, so a rates function answering
 * from the cache never loads an HTML parser, and `rates-fixer` never loads the DOF's.
 */
export const providers: ProviderRegistry = {
  dof: async (ctx) => (await import('./dof.js')).fetchDofRates(ctx),
  fixer: async (ctx) => (await import('./fixer.js')).fetchFixerRate(ctx),
  banxico: async (ctx) => (await import('./banxico.js')).fetchBanxicoFix(ctx),
};
