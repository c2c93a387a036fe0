import type { SourceId } from './rates/rate.js';
import type { UpstreamStats } from './rates/upstream-stats.js';

export type CheckStatus = 'ok' | 'unavailable';

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: { database: CheckStatus };
  upstreams?: Record<SourceId, UpstreamStats>;
}

export interface HealthDeps {
  pingDatabase: () => Promise<void>;
  readUpstreams?: () => Promise<Record<SourceId, UpstreamStats>>;
}

/** The database decides the status; upstream figures are information (a failing source is not an outage). */
export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const database: CheckStatus = await deps.pingDatabase().then(
    () => 'ok',
    () => 'unavailable',
  );
  const report: HealthReport = { status: database === 'ok' ? 'ok' : 'degraded', checks: { database } };
  if (database === 'ok' && deps.readUpstreams !== undefined) {
    const upstreams = await deps.readUpstreams().catch(() => undefined);
    if (upstreams !== undefined) report.upstreams = upstreams;
  }
  return report;
}
