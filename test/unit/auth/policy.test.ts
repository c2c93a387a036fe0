import { describe, expect, it } from 'vitest';
import { allowPolicy, denyPolicy, stageWideResource } from '../../../lib/auth/policy.js';

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/v1/rates/dof';

describe('authorizer policies', () => {
  it('cover the whole stage, so a cached answer fits every route', () => {
    expect(stageWideResource(METHOD_ARN)).toBe(
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/*',
    );
  });

  it('refuse something that is not a method ARN', () => {
    expect(() => stageWideResource('arn:aws:lambda:us-east-1:123:function:x')).toThrow();
    expect(() => stageWideResource('')).toThrow();
  });

  it('allow with the client context and its API key as usage identifier', () => {
    expect(
      allowPolicy(
        METHOD_ARN,
        { clientId: 'cl_a', name: 'acme', plan: 'pro', tokenExpiresAt: 1_700_000_000 },
        'k'.repeat(48),
      ),
    ).toEqual({
      principalId: 'cl_a',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/*',
          },
        ],
      },
      context: { clientId: 'cl_a', name: 'acme', plan: 'pro', tokenExpiresAt: 1_700_000_000 },
      usageIdentifierKey: 'k'.repeat(48),
    });
  });

  it('deny explicitly, naming no usage key', () => {
    const deny = denyPolicy(METHOD_ARN, 'cl_a');

    expect(deny.policyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Resource: expect.stringMatching(/\/prod\/\*\/\*$/) }),
    ]);
    expect(deny.usageIdentifierKey).toBeUndefined();
  });
});
