/**
 * The public routes, for the catch-all function: it answers 405 (with Allow) when a
 * path exists under another method, 404 otherwise. Kept beside serverless.yml's
 * events; test/integration/template.test.ts checks the two agree.
 */
export const PUBLIC_ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/v1/health' },
  { method: 'GET', path: '/v1/ping' },
  { method: 'GET', path: '/v1/rates' },
  { method: 'GET', path: '/v1/rates/dof' },
  { method: 'GET', path: '/v1/rates/fixer' },
  { method: 'GET', path: '/v1/rates/banxico' },
  { method: 'GET', path: '/v1/rates/history' },
  { method: 'GET', path: '/v1/rates/fiscal' },
  { method: 'GET', path: '/v1/rates/average' },
  { method: 'GET', path: '/v1/convert' },
  { method: 'GET', path: '/v1/whoami' },
  { method: 'POST', path: '/v1/auth/token' },
  { method: 'GET', path: '/v1/openapi.json' },
];

export function allowedMethods(path: string): string[] {
  const normalized = path.replace(/\/+$/, '') || '/';
  return PUBLIC_ROUTES.filter((route) => route.path === normalized).map((route) => route.method);
}
