import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { conditionalResponse, etagOf } from '../http/request.js';
// The script and the stylesheet are esbuild browser bundles of these entries (npm modules such
// as uPlot inside), made at build time by scripts/web/page-assets.cjs for both serverless-esbuild
// and Vitest, so tests see the bytes Lambda serves. The template is the file's own text.
import css from './app.css?bundle';
import script from './client/main.ts?bundle';
import template from './index.html?raw' with { type: 'text' };

/**
 * GET /: one self-contained HTML document. The stylesheet and the script are inlined (no
 * second request, and no asset path that would break under API Gateway's `/<stage>` prefix)
 * and allowed by their sha256 in a strict Content-Security-Policy: nothing else may run,
 * load or connect anywhere but this origin.
 */
export interface WebPage {
  html: string;
  contentSecurityPolicy: string;
  etag: string;
}

const STYLE_MARKER = '<style data-inline="app.css"></style>';
const SCRIPT_MARKER = '<script data-inline="main.ts"></script>';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function replaceOnce(text: string, marker: string, replacement: string): string {
  const at = text.indexOf(marker);
  if (at === -1 || text.indexOf(marker, at + 1) !== -1) {
    throw new Error(`lib/web/index.html must contain ${marker} exactly once`);
  }
  return text.slice(0, at) + replacement + text.slice(at + marker.length);
}

/** The document for these bundles (the defaults are the page's own; tests pass others). */
export function buildPage(bundles: { script: string; css: string } = { script, css }): WebPage {
  for (const [name, text, closing] of [
    ['app.css', bundles.css, '</style'],
    ['client/main.ts', bundles.script, '</script'],
  ] as const) {
    if (text.trim() === '') throw new Error(`lib/web/${name} was bundled empty`);
    if (text.toLowerCase().includes(closing))
      throw new Error(`lib/web/${name}'s bundle must not contain ${closing}`);
  }
  let html = replaceOnce(template, STYLE_MARKER, `<style>${bundles.css}</style>`);
  html = replaceOnce(html, SCRIPT_MARKER, `<script>${bundles.script}</script>`);
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sha256(bundles.script)}`,
    `style-src ${sha256(bundles.css)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const etag = etagOf(html);
  return { html, contentSecurityPolicy, etag };
}

let cached: WebPage | undefined;

/** Built once per cold start. */
export function getPage(): WebPage {
  cached ??= buildPage();
  return cached;
}

export function securityHeaders(page: WebPage): Record<string, string> & { ETag: string } {
  return {
    'Content-Security-Policy': page.contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // Revalidate every time (cheap: a 304); a new deploy is seen at once.
    'Cache-Control': 'no-cache',
    ETag: page.etag,
  };
}

export function webPageResponse(
  event: { headers: Record<string, string | undefined> | null },
  page: WebPage = getPage(),
): APIGatewayProxyResult {
  return conditionalResponse(
    { headers: event.headers ?? {} },
    { body: page.html, contentType: 'text/html; charset=utf-8', headers: securityHeaders(page) },
  );
}
