import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { mediaTypeOf } from '../../lib/core/headers.js';
import { isRecord } from '../../lib/core/json.js';
import { SERVICE_ROOT } from './template.js';

/**
 * Checks one HTTP answer against openapi.yaml: the operation (path templates), the
 * declared status, the Content-Type, the body (Ajv, JSON Schema 2020-12, `$ref`s resolved
 * inside the document) and the declared headers. Used by the e2e tests (through
 * rates-client.ts and directly) and by `npm run smoke` against any deployment.
 */

export const OPENAPI_PATH = path.join(SERVICE_ROOT, 'openapi.yaml');
/** The `$id` the whole document is registered under, so `$ref`s resolve inside it. */
const DOCUMENT_ID = 'https://tipo-de-cambio.invalid/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface ContractInput {
  method: string;
  /** The request path, optionally with a query string (ignored). */
  path: string;
  status: number;
  headers: Headers;
  body: string;
}

/** Reads a fetch Response into what assertMatchesContract takes (the body is consumed). */
export async function contractInput(
  method: string,
  path: string,
  response: Response,
): Promise<ContractInput> {
  return { method, path, status: response.status, headers: response.headers, body: await response.text() };
}

export interface ContractOptions {
  /**
   * serverless-offline answers an authorizer refusal with its own JSON
   * (`{"statusCode":401,"error":"Unauthorized","message":…}`); it cannot emulate the
   * Gateway Responses of serverless.yml, which are what AWS sends (their templates are
   * checked against this contract in test/unit/openapi.test.ts). With this set, such a
   * body is accepted when the operation declares the status; the rest is not checked.
   */
  acceptOfflineAuthorizerRefusal?: boolean;
}

export interface ContractMatch {
  /** e.g. `GET /v1/rates` */
  operation: string;
  /** The key of the response that matched (`200`, `4XX`, `default`, or `NotFound` / `MethodNotAllowed`). */
  response: string;
  /** False only for an accepted local-gateway refusal. */
  bodyChecked: boolean;
}

export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';
}

type Json = Record<string, unknown>;

function decodePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function encodePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** An object of the document and its JSON pointer, with OpenAPI (non-schema) `$ref`s followed. */
interface Located {
  value: Json;
  pointer: string;
}

export interface Contract {
  document: Json;
  check(input: ContractInput, options?: ContractOptions): ContractMatch;
  /** Validates a value against a schema of the document by pointer, e.g. `#/components/schemas/Problem`. */
  validateSchema(pointer: string, value: unknown): string[];
}

function templateToRegExp(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/** Ajv errors as one line each, naming the field: `/rates/dof must NOT have additional property 'valor'`. */
export function describeAjvErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const all = errors ?? [];
  // `if`/`then` repeats a more precise error found inside the branch.
  const precise = all.filter((error) => error.keyword !== 'if');
  const lines = (precise.length > 0 ? precise : all).map((error) => {
    const where = error.instancePath === '' ? '(body)' : error.instancePath;
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'additionalProperties') {
      return `${where} must NOT have additional property '${String(params.additionalProperty)}'`;
    }
    if (error.keyword === 'enum') {
      return `${where} ${error.message ?? 'is invalid'}: ${JSON.stringify(params.allowedValues)}`;
    }
    if (error.keyword === 'const') {
      return `${where} must be ${JSON.stringify(params.allowedValue)}`;
    }
    return `${where} ${error.message ?? 'is invalid'}`;
  });
  return [...new Set(lines)];
}

function offlineRefusal(status: number, body: string): boolean {
  if (status !== 401 && status !== 403) return false;
  try {
    const parsed: unknown = JSON.parse(body);
    return (
      isRecord(parsed) &&
      parsed.statusCode === status &&
      typeof parsed.error === 'string' &&
      typeof parsed.message === 'string' &&
      Object.keys(parsed).length === 3
    );
  } catch {
    return false;
  }
}

export function loadContract(file = OPENAPI_PATH): Contract {
  const parsed: unknown = parse(readFileSync(file, 'utf8'));
  if (!isRecord(parsed) || !isRecord(parsed.paths)) throw new Error(`${file} is not an OpenAPI document`);
  const document = parsed;
  const paths = parsed.paths;

  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const validators = new Map<string, ValidateFunction>();

  function validatorFor(pointer: string): ValidateFunction {
    let validate = validators.get(pointer);
    if (validate === undefined) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      validators.set(pointer, validate);
    }
    return validate;
  }

  function validateSchema(pointer: string, value: unknown): string[] {
    const validate = validatorFor(pointer);
    return validate(value) ? [] : describeAjvErrors(validate.errors);
  }

  function at(pointer: string): unknown {
    let node: unknown = document;
    for (const token of pointer.replace(/^#\/?/, '').split('/')) {
      if (token === '') continue;
      if (!isRecord(node)) return undefined;
      node = node[decodePointerToken(token)];
    }
    return node;
  }

  /** Follows OpenAPI `$ref`s of responses and headers (not of schemas: Ajv does those). */
  function locate(pointer: string): Located {
    let current = pointer;
    for (let hops = 0; hops < 10; hops++) {
      const value = at(current);
      if (!isRecord(value)) throw new Error(`openapi.yaml: nothing at ${current}`);
      if (typeof value.$ref !== 'string') return { value, pointer: current };
      current = value.$ref;
    }
    throw new Error(`openapi.yaml: $ref chain too long at ${pointer}`);
  }

  function findResponse(input: ContractInput, label: string): { located: Located; key: string } {
    const requestPath = input.path.split('?')[0] ?? input.path;
    const method = input.method.toLowerCase();
    const template = Object.keys(paths).find((candidate) => templateToRegExp(candidate).test(requestPath));
    if (template === undefined) {
      if (input.status !== 404) {
        throw new ContractViolationError(`${label}: no path of openapi.yaml matches ${requestPath}`);
      }
      return { located: locate('#/components/responses/NotFound'), key: 'NotFound' };
    }
    const pathPointer = `#/paths/${encodePointerToken(template)}`;
    const pathItem = locate(pathPointer);
    if (!METHODS.some((known) => known === method) || !isRecord(pathItem.value[method])) {
      if (input.status !== 405) {
        throw new ContractViolationError(
          `${label}: openapi.yaml has no ${input.method} operation on ${template}`,
        );
      }
      return { located: locate('#/components/responses/MethodNotAllowed'), key: 'MethodNotAllowed' };
    }
    const responsesPointer = `${pathItem.pointer}/${method}/responses`;
    const responses = locate(responsesPointer).value;
    const status = String(input.status);
    const key = [status, `${status[0]}XX`, 'default'].find((candidate) => candidate in responses);
    if (key === undefined) {
      throw new ContractViolationError(
        `${label}: status ${status} is not declared (declared: ${Object.keys(responses).join(', ')})`,
      );
    }
    return { located: locate(`${responsesPointer}/${key}`), key };
  }

  function checkHeaders(response: Located, headers: Headers): string[] {
    const declared = response.value.headers;
    if (!isRecord(declared)) return [];
    const problems: string[] = [];
    for (const name of Object.keys(declared)) {
      const header = locate(`${response.pointer}/headers/${encodePointerToken(name)}`);
      const value = headers.get(name);
      if (value === null) {
        if (header.value.required === true) problems.push(`header ${name} is missing`);
        continue;
      }
      if (header.value.schema !== undefined) {
        for (const error of validateSchema(`${header.pointer}/schema`, value)) {
          problems.push(`header ${name} ${error.replace(/^\(body\) /, '')} (got ${JSON.stringify(value)})`);
        }
      }
    }
    return problems;
  }

  function checkBody(response: Located, input: ContractInput): string[] {
    const content = response.value.content;
    if (!isRecord(content)) {
      return input.body === '' ? [] : ['must have no body'];
    }
    const type = mediaTypeOf(input.headers.get('content-type'));
    if (type === undefined) return ['Content-Type is missing'];
    const declaredTypes = Object.keys(content);
    const mediaKey = declaredTypes.find((declared) => declared.toLowerCase() === type);
    if (mediaKey === undefined) {
      return [`Content-Type ${type} is not declared (declared: ${declaredTypes.join(', ')})`];
    }
    if (input.body === '') return ['body is empty'];
    const media = locate(`${response.pointer}/content/${encodePointerToken(mediaKey)}`);
    if (media.value.schema === undefined) return [];
    let value: unknown = input.body;
    if (isJsonMediaType(type)) {
      try {
        value = JSON.parse(input.body);
      } catch {
        return [`body is not JSON (${type})`];
      }
    }
    return validateSchema(`${media.pointer}/schema`, value);
  }

  function check(input: ContractInput, options: ContractOptions = {}): ContractMatch {
    const operation = `${input.method.toUpperCase()} ${input.path.split('?')[0]}`;
    const label = `${operation} ${input.status}`;
    const { located, key } = findResponse(input, label);
    if (options.acceptOfflineAuthorizerRefusal === true && offlineRefusal(input.status, input.body)) {
      return { operation, response: key, bodyChecked: false };
    }
    const problems = [...checkBody(located, input), ...checkHeaders(located, input.headers)];
    if (problems.length > 0) throw new ContractViolationError(`${label}: ${problems.join('; ')}`);
    return { operation, response: key, bodyChecked: true };
  }

  return { document, check, validateSchema };
}

let defaultContract: Contract | undefined;

/** The contract of this checkout's openapi.yaml, loaded once. */
export function getContract(): Contract {
  defaultContract ??= loadContract();
  return defaultContract;
}

/** Throws a ContractViolationError naming the failing field, header or status. */
export function assertMatchesContract(input: ContractInput, options?: ContractOptions): ContractMatch {
  return getContract().check(input, options);
}
