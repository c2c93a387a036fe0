import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import { isRecord } from '../../lib/core/json.js';
import { checkDofPage } from '../../lib/providers/contracts/dof-page.js';
import fixerError from '../../lib/providers/contracts/fixer-error.schema.json' with { type: 'json' };
import fixerLatest from '../../lib/providers/contracts/fixer-latest.schema.json' with { type: 'json' };
import sieError from '../../lib/providers/contracts/sie-error.schema.json' with { type: 'json' };
import sieSeries from '../../lib/providers/contracts/sie-series.schema.json' with { type: 'json' };
import { describeAjvErrors } from './contract.js';

/**
 * The upstream contracts (lib/providers/contracts/) applied to one answer: which shape it
 * has (a success or the upstream's documented error) and whether it holds. Shared by the
 * tests on the captures and by `npm run contract:live` on the real upstreams.
 */

export type UpstreamName = 'dof' | 'fixer' | 'banxico';

export const UPSTREAM_SCHEMAS = { fixerLatest, fixerError, sieSeries, sieError } as const;
export type UpstreamSchemaName = keyof typeof UPSTREAM_SCHEMAS;

export interface UpstreamAnswer {
  status: number;
  body: Buffer;
}

export interface UpstreamVerdict {
  /** `success`: the shape we parse rates from; `error`: the upstream's documented error shape. */
  shape: 'success' | 'error';
  /** Empty when the contract holds; each names the field or assertion that failed. */
  violations: string[];
  /** A short description of what was seen, for a person. */
  summary: string;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validators = new Map<UpstreamSchemaName, ValidateFunction>();

export function validateUpstreamSchema(name: UpstreamSchemaName, value: unknown): string[] {
  let validate = validators.get(name);
  if (validate === undefined) {
    validate = ajv.compile(UPSTREAM_SCHEMAS[name]);
    validators.set(name, validate);
  }
  return validate(value) ? [] : describeAjvErrors(validate.errors);
}

function parseJson(body: Buffer): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { error: 'body is not JSON' };
  }
}

/** How one JSON upstream tells its error shape from its success shape, and what to show of each. */
interface JsonContract {
  errorSchema: UpstreamSchemaName;
  successSchema: UpstreamSchemaName;
  isError: (json: Record<string, unknown>) => boolean;
  errorSummary: (error: Record<string, unknown>, status: number) => string;
  successSummary: (json: unknown) => string;
}

function checkJson(answer: UpstreamAnswer, contract: JsonContract): UpstreamVerdict {
  const parsed = parseJson(answer.body);
  if ('error' in parsed)
    return { shape: 'success', violations: [parsed.error], summary: `HTTP ${answer.status}` };
  const json = parsed.value;
  if (isRecord(json) && contract.isError(json)) {
    return {
      shape: 'error',
      violations: validateUpstreamSchema(contract.errorSchema, json),
      summary: contract.errorSummary(isRecord(json.error) ? json.error : {}, answer.status),
    };
  }
  const violations = validateUpstreamSchema(contract.successSchema, json);
  return {
    shape: 'success',
    violations: answer.status === 200 ? violations : [`HTTP ${answer.status}`, ...violations],
    summary: contract.successSummary(json),
  };
}

const FIXER_CONTRACT: JsonContract = {
  errorSchema: 'fixerError',
  successSchema: 'fixerLatest',
  isError: (json) => json.success === false,
  errorSummary: (error) => `error ${String(error.code)} ${String(error.type)}`,
  successSummary: (json) =>
    isRecord(json) ? `latest ${String(json.date)}, base ${String(json.base)}` : 'not an object',
};

const SIE_CONTRACT: JsonContract = {
  errorSchema: 'sieError',
  successSchema: 'sieSeries',
  isError: (json) => 'error' in json,
  errorSummary: (error, status) => `HTTP ${status} error "${String(error.mensaje)}"`,
  successSummary: (json) => {
    const datos =
      isRecord(json) && isRecord(json.bmx) && Array.isArray(json.bmx.series) ? json.bmx.series[0] : undefined;
    const newest = isRecord(datos) && Array.isArray(datos.datos) ? datos.datos.at(-1) : undefined;
    return isRecord(newest)
      ? `${String(datos?.idSerie)} ${String(newest.fecha)} = ${String(newest.dato)}`
      : 'no datos';
  },
};

function checkDof(answer: UpstreamAnswer): UpstreamVerdict {
  const report = checkDofPage(answer.body);
  const violations = report.violations.map((violation) => `${violation.assertion} (${violation.detail})`);
  if (answer.status !== 200) violations.unshift(`HTTP ${answer.status}`);
  return {
    shape: 'success',
    violations,
    summary: `${report.rows} rows, newest ${report.newestDate ?? 'none'}`,
  };
}

export function checkUpstreamAnswer(name: UpstreamName, answer: UpstreamAnswer): UpstreamVerdict {
  if (name === 'fixer') return checkJson(answer, FIXER_CONTRACT);
  if (name === 'banxico') return checkJson(answer, SIE_CONTRACT);
  return checkDof(answer);
}
