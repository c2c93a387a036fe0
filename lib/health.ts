import type { SourceId } from './core/rate.js';
import type { SourceState, UpstreamStats } from './rates/upstream-stats.js';

export type CheckStatus = 'ok' | 'unavailable';

export interface HealthReport {
  /** `ok` only when the database answers and every source is fresh; otherwise `degraded`. */
  status: 'ok' | 'degraded';
  /** One entry per dependency check; more may be added (they are named, never positional). */
  checks: { database: CheckStatus } & Record<string, CheckStatus>;
  upstreams?: Record<SourceId, UpstreamStats>;
}

export interface HealthDeps {
  pingDatabase: () => Promise<void>;
  readUpstreams?: () => Promise<Record<SourceId, UpstreamStats>>;
}

/** What `degraded` means for a source: anything but serving a fresh value. */
const HEALTHY_SOURCE_STATES: ReadonlySet<SourceState> = new Set(['fresh']);

/**
 * `degraded` when a check fails or any source is failing, stale, not cached yet or not
 * configured; the HTTP status is decided by the checks alone (healthCode), so a failing
 * source never makes the service look down to a load balancer.
 */
export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const database: CheckStatus = await deps.pingDatabase().then(
    () => 'ok',
    () => 'unavailable',
  );
  const checks: HealthReport['checks'] = { database };
  const checksOk = Object.values(checks).every((status) => status === 'ok');
  const report: HealthReport = { status: checksOk ? 'ok' : 'degraded', checks };
  if (database === 'ok' && deps.readUpstreams !== undefined) {
    const upstreams = await deps.readUpstreams().catch(() => undefined);
    if (upstreams !== undefined) {
      report.upstreams = upstreams;
      if (Object.values(upstreams).some((stats) => !HEALTHY_SOURCE_STATES.has(stats.state)))
        report.status = 'degraded';
    }
  }
  return report;
}

/** 503 only when a check fails (the service cannot work); a degraded source still answers 200. */
export function healthCode(report: HealthReport): 200 | 503 {
  return Object.values(report.checks).every((status) => status === 'ok') ? 200 : 503;
}
