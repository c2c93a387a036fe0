/**
 * `import text from './file.ext?raw' with { type: 'text' }`: the file's text as a string.
 * Vitest (Vite) reads the `?raw` suffix; esbuild (serverless-esbuild bundles) reads the
 * `type: 'text'` import attribute and ignores the suffix. See lib/web/page.ts.
 */
declare module '*?raw' {
  const text: string;
  export default text;
}

/**
 * `import text from './entry.ts?bundle'`: the text of an esbuild browser bundle of that entry
 * (scripts/web/page-assets.cjs, for serverless-esbuild and Vitest alike). See lib/web/page.ts.
 */
declare module '*?bundle' {
  const text: string;
  export default text;
}
