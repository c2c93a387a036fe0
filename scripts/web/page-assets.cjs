'use strict';
/**
 * The page's script and stylesheet are bundles, not files: `import text from './client/main.ts?bundle'`
 * (in lib/web/page.ts) gives the text of an esbuild browser bundle of that entry, with its npm
 * dependencies inside (uPlot), so the page still loads nothing but its own origin and its one
 * inline <script> and <style> stay allowed by their sha256 (the Content-Security-Policy).
 *
 * One bundler, two hosts that must agree byte for byte (the CSP hash is of these bytes):
 * - serverless-esbuild (`npm start`, `serverless package`): `custom.esbuild.plugins` in
 *   serverless.yml names this file; it exports the esbuild plugin array.
 * - Vitest (unit and browser tests import page.ts directly): vitest.config.ts uses `vitePlugin`.
 * CommonJS because serverless-esbuild `require()`s the file and Node 20 runs no TypeScript.
 */
const path = require('node:path');
const esbuild = require('esbuild');

const SUFFIX = '?bundle';
const NAMESPACE = 'page-asset';
const VIRTUAL_PREFIX = '\0page-asset:';

/**
 * Bundles one browser entry (.ts or .css). Minified IIFE for ES2022 browsers, UTF-8 kept as
 * is (the page is served as UTF-8), no legal comments, no source map (nothing else may load).
 * @param {string} entry absolute path of the entry file
 * @returns {Promise<{ text: string, inputs: string[] }>} the bundle, and the files it read
 */
async function bundlePageAsset(entry) {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    charset: 'utf8',
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: path.dirname(entry),
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(path.dirname(entry), input));
  return { text: output.text, inputs };
}

/** @type {import('esbuild').Plugin} */
const esbuildPlugin = {
  name: 'page-assets',
  setup(build) {
    build.onResolve({ filter: /\?bundle$/ }, (args) => ({
      path: path.resolve(args.resolveDir, args.path.slice(0, -SUFFIX.length)),
      namespace: NAMESPACE,
    }));
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
      const { text, inputs } = await bundlePageAsset(args.path);
      return { contents: text, loader: 'text', watchFiles: inputs };
    });
  },
};

/** The same bundles for Vite (Vitest): a virtual module per `?bundle` import, its default export the text. */
function vitePlugin() {
  return {
    name: 'page-assets',
    enforce: 'pre',
    /** @param {string} source @param {string | undefined} importer */
    resolveId(source, importer) {
      if (!source.endsWith(SUFFIX) || importer === undefined) return null;
      // Ends in `.js` so that Vite's CSS and TypeScript transforms leave the text module alone.
      return `${VIRTUAL_PREFIX}${path.resolve(path.dirname(importer), source.slice(0, -SUFFIX.length))}.js`;
    },
    /** @param {string} id */
    async load(id) {
      if (!id.startsWith(VIRTUAL_PREFIX)) return null;
      const { text, inputs } = await bundlePageAsset(id.slice(VIRTUAL_PREFIX.length, -'.js'.length));
      for (const input of inputs) this.addWatchFile(input);
      return `export default ${JSON.stringify(text)};`;
    },
  };
}

module.exports = [esbuildPlugin];
module.exports.bundlePageAsset = bundlePageAsset;
module.exports.vitePlugin = vitePlugin;
