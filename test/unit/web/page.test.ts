import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bankHolidays, buildPage, getPage, webPageResponse } from '../../../lib/web/page.js';
import { SERVICE_ROOT } from '../../../scripts/lib/template.js';

const source = (name: string) => readFileSync(path.join(SERVICE_ROOT, 'lib', 'web', name), 'utf8');
const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

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
    `script-src ${hashOf(source('app.js'))}`,
    `style-src ${hashOf(source('app.css'))}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

describe('the web page document', () => {
  const page = getPage();

  it('inlines the real lib/web files (imported as text, not as modules)', () => {
    expect(page.html).toContain(source('app.css'));
    expect(page.html).toContain(source('app.js'));
    expect(page.html).toMatch(/^<!doctype html>\s*<html lang="es-MX">/);
    expect(page.html).not.toContain('data-inline=');
  });

  it('allows exactly its own inline script and style by sha256, and nothing from elsewhere', () => {
    const csp = page.contentSecurityPolicy;
    const scripts = inlineBlocks(page.html, 'script');
    const styles = inlineBlocks(page.html, 'style');
    expect(scripts).toEqual([source('app.js')]);
    expect(styles).toEqual([source('app.css')]);
    expect(csp).toBe(expectedCsp());
    expect(csp).not.toMatch(/unsafe|https?:|\*/);
  });

  it('has no inline handlers, style attributes or external resources (they would be blocked)', () => {
    const markup = page.html.replace(source('app.js'), '').replace(source('app.css'), '');
    expect(markup).not.toMatch(/\son[a-z]+=/i);
    expect(markup).not.toMatch(/\sstyle=/i);
    expect(markup).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });

  it('labels every input', () => {
    const ids = [...page.html.matchAll(/<input\s[^>]*id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['client-id', 'client-secret', 'api-key']);
    for (const id of ids) expect(page.html).toContain(`<label for="${id}">`);
  });

  it('carries the bank holidays of the service calendar for the DOF = FIX check', () => {
    expect(bankHolidays(2020, 2020)).toEqual([
      '2020-01-01',
      '2020-02-03',
      '2020-03-16',
      '2020-04-09',
      '2020-04-10',
      '2020-05-01',
      '2020-09-16',
      '2020-11-02',
      '2020-11-16',
      '2020-12-25',
    ]);
    expect(buildPage(['2020-11-16']).html).toContain('data-bank-holidays="2020-11-16"');
    expect(page.html).toContain('2020-11-16');
  });
});

describe('GET / response', () => {
  it('answers the page with the security headers', () => {
    const response = webPageResponse({ headers: {} });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/^<!doctype html>\s*<html lang="es-MX">/);
    expect(response.body).toContain(source('app.js'));
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
    const changed = buildPage(['2020-11-16']);
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
