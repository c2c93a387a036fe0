import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { Plan } from '../core/plan.js';

/**
 * IAM policies returned by the authorizer. API Gateway caches an authorizer's answer
 * per identity source (here: Authorization + x-api-key) and applies the cached policy
 * to every route of the stage, so the resource must cover the whole stage:
 * a policy naming only the first method seen would answer 403 on the next route.
 */

/** The exact string every authorizer failure must throw: anything else is a 500 on AWS. */
export const UNAUTHORIZED = 'Unauthorized';

export function unauthorized(): Error {
  return new Error(UNAUTHORIZED);
}

/** `arn:aws:execute-api:region:account:api/stage/METHOD/path` → `…:api/stage/*\/*`. */
export function stageWideResource(methodArn: string): string {
  const match = /^(arn:[^:]+:execute-api:[^:]+:[^:]+:[^/]+\/[^/]+)\/.+$/.exec(methodArn);
  if (match?.[1] === undefined) throw new Error('methodArn is not an execute-api method ARN');
  return `${match[1]}/*/*`;
}

export interface AuthorizerContext {
  clientId: string;
  /** The client's name, for display (the web page's header via /v1/whoami). */
  name: string;
  plan: Plan;
  /** Epoch seconds: a cached Allow must not outlive the token (checked again by the request gate, lib/http/gate.ts). */
  tokenExpiresAt: number;
}

function policy(effect: 'Allow' | 'Deny', methodArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: stageWideResource(methodArn) }],
  };
}

export function allowPolicy(
  methodArn: string,
  context: AuthorizerContext,
  apiKey: string,
): APIGatewayAuthorizerResult {
  return {
    principalId: context.clientId,
    policyDocument: policy('Allow', methodArn),
    context: {
      clientId: context.clientId,
      name: context.name,
      plan: context.plan,
      tokenExpiresAt: context.tokenExpiresAt,
    },
    usageIdentifierKey: apiKey,
  };
}

/** An explicit Deny: API Gateway answers 403 (a thrown Unauthorized would be 401). */
export function denyPolicy(methodArn: string, principalId: string): APIGatewayAuthorizerResult {
  return { principalId, policyDocument: policy('Deny', methodArn) };
}
