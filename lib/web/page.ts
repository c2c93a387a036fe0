import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { isBankingDay } from '../core/banking-calendar.js';
import { conditionalResponse, etagOf } from '../http/request.js';
// The page's sources are real files. `?raw` is for Vitest, the `type: 'text'` attribute for
// esbuild (which ignores the suffix): both give the file's text, so tests see what Lambda serves.
import css from './app.css?raw' with { type: 'text' };
import script from './app.js?raw' with { type: 'text' };
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
const SCRIPT_MARKER = '<script data-inline="app.js"></script>';
const HOLIDAYS_MARKER = 'data-bank-holidays=""';
/** The bank holidays the page knows (for its DOF = FIX check): from this year back to here. */
const FIRST_CALENDAR_YEAR = 2015;
const DAY_MS = 86_400_000;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function replaceOnce(text: string, marker: string, replacement: string): string {
  const at = text.indexOf(marker);
  if (at === -1 || text.indexOf(marker, at + 1) !== -1) {
    throw new Error(`lib/web/index.html must contain ${marker} exactly once`);
  }
  return text.slice(0, at) + replacement + text.slice(at + marker.length);
}

/** Weekdays that are not banking days (lib/core/banking-calendar.ts), so the page never keeps its own list. */
export function bankHolidays(fromYear: number, toYear: number): string[] {
  const holidays: string[] = [];
  for (let ms = Date.UTC(fromYear, 0, 1); ms < Date.UTC(toYear + 1, 0, 1); ms += DAY_MS) {
    const day = new Date(ms);
    const weekday = day.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const iso = day.toISOString().slice(0, 10);
    if (!isBankingDay(iso)) holidays.push(iso);
  }
  return holidays;
}

export function buildPage(holidays: readonly string[]): WebPage {
  for (const [name, text, closing] of [
    ['app.css', css, '</style'],
    ['app.js', script, '</script'],
  ] as const) {
    if (text.trim() === '') throw new Error(`lib/web/${name} was bundled empty`);
    if (text.toLowerCase().includes(closing)) throw new Error(`lib/web/${name} must not contain ${closing}`);
  }
  let html = replaceOnce(template, STYLE_MARKER, `<style>${css}</style>`);
  html = replaceOnce(html, SCRIPT_MARKER, `<script>${script}</script>`);
  html = replaceOnce(html, HOLIDAYS_MARKER, `data-bank-holidays="${holidays.join(' ')}"`);
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(css)}`,
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

/** Built once per cold start: the calendar covers through next year, so a long-lived instance stays right. */
export function getPage(now: number = Date.now()): WebPage {
  cached ??= buildPage(bankHolidays(FIRST_CALENDAR_YEAR, new Date(now).getUTCFullYear() + 1));
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
