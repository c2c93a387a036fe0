import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The public contract, `openapi.yaml` at the service root, as the JSON that
 * GET /v1/openapi.json serves. The YAML stays the one source of truth: it is shipped
 * beside the bundle (serverless.yml `package.patterns` of the `openapi` function) and
 * read once per cold start, never copied into generated code.
 */
export const OPENAPI_FILE = 'openapi.yaml';

export class OpenApiDocumentError extends Error {
  override readonly name = 'OpenApiDocumentError';
}

/** The first root (in order) that holds openapi.yaml: the Lambda task root, then the working directory. */
export function findOpenApiFile(roots: ReadonlyArray<string | undefined>): string {
  const tried: string[] = [];
  for (const root of roots) {
    if (root === undefined || root === '') continue;
    const file = path.join(root, OPENAPI_FILE);
    if (existsSync(file)) return file;
    tried.push(file);
  }
  throw new OpenApiDocumentError(`${OPENAPI_FILE} not found (tried ${tried.join(', ') || 'no root'})`);
}

export function parseOpenApiDocument(yamlText: string): Record<string, unknown> {
  const document: unknown = parse(yamlText);
  if (typeof document !== 'object' || document === null || !('openapi' in document)) {
    throw new OpenApiDocumentError(`${OPENAPI_FILE} is not an OpenAPI document`);
  }
  return document as Record<string, unknown>;
}

let cachedJson: string | undefined;

/** The document as compact JSON, read and parsed once per instance. */
export function openApiJson(roots: ReadonlyArray<string | undefined>): string {
  cachedJson ??= JSON.stringify(parseOpenApiDocument(readFileSync(findOpenApiFile(roots), 'utf8')));
  return cachedJson;
}
