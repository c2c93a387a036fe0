import type { Plugin as EsbuildPlugin } from 'esbuild';
import type { Plugin as VitePlugin } from 'vite';

/** Types of page-assets.cjs (the esbuild plugin array serverless-esbuild loads, plus helpers). */
declare const plugins: EsbuildPlugin[] & {
  /** Bundles one browser entry (.ts or .css): the text, and the files it read. */
  bundlePageAsset(entry: string): Promise<{ text: string; inputs: string[] }>;
  /** The same bundles for Vite (Vitest): `import text from './entry.ts?bundle'`. */
  vitePlugin(): VitePlugin;
};
export = plugins;
