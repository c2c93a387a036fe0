/**
 * The public routes, for the catch-all function: it answers 405 (with Allow) when a
 * path exists under another method, 404 otherwise. Kept beside serverless.yml's
 * events; test/unit/template.test.ts checks the two agree.
 */
export const PUBLIC_ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  { method: 'GET', path: '/v1/health' },
];

export function allowedMethods(path: string): string[] {
  const normalized = path.replace(/\/+$/, '') || '/';
  return PUBLIC_ROUTES.filter((route) => route.path === normalized).map((route) => route.method);
}
