import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

export const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/v1/rates';

/** A REQUEST authorizer event as API Gateway (REST, payload 1.0) sends it for GET /v1/rates. */
export function authorizerEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    resource: '/v1/rates',
    path: '/v1/rates',
    httpMethod: 'GET',
    headers: {
      Host: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
      'User-Agent': 'curl/8.5.0',
      ...headers,
    },
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      authorizer: undefined,
      httpMethod: 'GET',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'curl/8.5.0',
        userArn: null,
      },
      path: '/prod/v1/rates',
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1_741_083_619_000,
      resourceId: 'abc123',
      resourcePath: '/v1/rates',
      stage: 'prod',
    },
  };
}
