import { createHash } from 'node:crypto';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPage, getPage, webPageResponse } from '../../../lib/web/page.js';
import { SERVICE_ROOT } from '../../../scripts/lib/template.js';
import pageAssets from '../../../scripts/web/page-assets.cjs';

const WEB = path.join(SERVICE_ROOT, 'lib', 'web');
const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page's two bundles, made directly by the shared bundler (not through Vite). */
const bundles = { script: '', css: '' };
const source = (name: 'main.ts' | 'app.css') => (name === 'main.ts' ? bundles.script : bundles.css);
beforeAll(async () => {
  bundles.script = (await pageAssets.bundlePageAsset(path.join(WEB, 'client', 'main.ts'))).text;
  bundles.css = (await pageAssets.bundlePageAsset(path.join(WEB, 'app.css'))).text;
}, 60_000);

/** The text of every inline <tag> block, as the browser hashes it. */
function inlineBlocks(html: string, tag: 'script' | 'style'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))].map(
    (m) => m[2] ?? '',
  );
}

/** The CSP written from the spec: only the page's own inline script and style, by hash. */
const expectedCsp = () =>
  [
    "default-src 'none'",
    `script-src ${hashOf(source('main.ts'))}`,
    `style-src ${hashOf(source('app.css'))}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

describe('the web page document', () => {
  const page = getPage();

  it('inlines the esbuild bundles of lib/web/client/main.ts and app.css (plain browser code, no module)', () => {
    expect(page.html).toContain(source('app.css'));
    expect(page.html).toContain(source('main.ts'));
    expect(page.html).toMatch(/^<!doctype html>\s*<html lang="es-MX">/);
    expect(page.html).not.toContain('data-inline=');
    // One classic script: an IIFE with no import left in it and no TypeScript syntax.
    expect(bundles.script).toMatch(/^("use strict";)?\(\(\)=>\{/);
    expect(bundles.script).not.toMatch(/\bimport\s*[{("'*]|\bexport\s|: string\b/);
    expect(bundles.script).toContain('tipo-de-cambio.session');
  });

  it('is bundled to the same bytes by serverless-esbuild (the plugin the functions are built with)', async () => {
    const result = await esbuild.build({
      stdin: {
        contents:
          "import script from './client/main.ts?bundle'; import css from './app.css?bundle'; export { script, css };",
        resolveDir: WEB,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      plugins: [...pageAssets],
    });
    const module = await import(
      `data:text/javascript;base64,${Buffer.from(result.outputFiles[0]?.text ?? '').toString('base64')}`
    );
    expect(module.script).toBe(bundles.script);
    expect(module.css).toBe(bundles.css);
  }, 60_000);

  it('allows exactly its own inline script and style by sha256, and nothing from elsewhere', () => {
    const csp = page.contentSecurityPolicy;
    const scripts = inlineBlocks(page.html, 'script');
    const styles = inlineBlocks(page.html, 'style');
    expect(scripts).toEqual([source('main.ts')]);
    expect(styles).toEqual([source('app.css')]);
    expect(csp).toBe(expectedCsp());
    expect(csp).not.toMatch(/unsafe|https?:|\*/);
  });

  it('has no inline handlers, style attributes or external resources (they would be blocked)', () => {
    const markup = page.html.replace(source('main.ts'), '').replace(source('app.css'), '');
    expect(markup).not.toMatch(/\son[a-z]+=/i);
    expect(markup).not.toMatch(/\sstyle=/i);
    expect(markup).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });

  it('labels every input', () => {
    const ids = [...page.html.matchAll(/<input\s[^>]*id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['client-id', 'client-secret', 'api-key', 'date', 'convert-amount']);
    for (const id of ['convert-direction', 'convert-kind'])
      expect(page.html).toContain(`<label for="${id}">`);
    for (const id of ids) expect(page.html).toContain(`<label for="${id}">`);
  });

  it("carries no banking calendar: the DOF = FIX verdict is the server's (the consistency block)", () => {
    expect(page.html).not.toContain('data-bank-holidays');
    expect(page.html).not.toMatch(/2020-11-16/);
  });
});

describe('GET / response', () => {
  it('answers the page with the security headers', () => {
    const response = webPageResponse({ headers: {} });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/^<!doctype html>\s*<html lang="es-MX">/);
    expect(response.body).toContain(source('main.ts'));
    expect(response.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': expectedCsp(),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    // A strong validator of exactly this body: a changed page must get another ETag.
    const body = response.body;
    expect(response.headers?.ETag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const changed = buildPage({ script: `${bundles.script};`, css: bundles.css });
    expect(changed.html).not.toBe(body);
    expect(webPageResponse({ headers: {} }, changed).headers?.ETag).not.toBe(response.headers?.ETag);
  });

  it('answers 304 to a matching If-None-Match, weak or strong, with the same headers', () => {
    const etag = String(webPageResponse({ headers: {} }).headers?.ETag);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const response = webPageResponse({ headers: { 'If-None-Match': ifNoneMatch } });
      expect(response.statusCode, ifNoneMatch).toBe(304);
      expect(response.body).toBe('');
      expect(response.headers?.['Content-Security-Policy']).toBe(expectedCsp());
    }
    expect(webPageResponse({ headers: { 'If-None-Match': '"other"' } }).statusCode).toBe(200);
  });

  it('answers 304 to If-None-Match: * (RFC 9110 §13.1.2: any current representation matches)', () => {
    const response = webPageResponse({ headers: { 'if-none-match': ' * ' } });
    expect([response.statusCode, response.body]).toEqual([304, '']);
  });
});
