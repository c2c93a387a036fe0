/**
 * `import text from './file.ext?raw' with { type: 'text' }`: the file's text as a string.
 * Vitest (Vite) reads the `?raw` suffix; esbuild (serverless-esbuild bundles) reads the
 * `type: 'text'` import attribute and ignores the suffix. See lib/web/page.ts.
 */
declare module '*?raw' {
  const text: string;
  export default text;
}
