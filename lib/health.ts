export type CheckStatus = 'ok' | 'unavailable';

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: { database: CheckStatus };
}

export interface HealthDeps {
  pingDatabase: () => Promise<void>;
}

export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const database: CheckStatus = await deps.pingDatabase().then(
    () => 'ok',
    () => 'unavailable',
  );
  return { status: database === 'ok' ? 'ok' : 'degraded', checks: { database } };
}
