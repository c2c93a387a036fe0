/**
 * The API contract (openapi.yaml) for tests: one validator shared with `npm run smoke`
 * (scripts/lib/contract.ts). `assertMatchesContract(await contractInput(method, path, response))`.
 */
export {
  assertMatchesContract,
  type ContractInput,
  type ContractMatch,
  type ContractOptions,
  ContractViolationError,
  getContract,
  loadContract,
  OPENAPI_PATH,
} from '../../scripts/lib/contract.js';

/** Reads a fetch Response into what assertMatchesContract takes (the body is consumed). */
export async function contractInput(
  method: string,
  path: string,
  response: Response,
): Promise<{ method: string; path: string; status: number; headers: Headers; body: string }> {
  return { method, path, status: response.status, headers: response.headers, body: await response.text() };
}
