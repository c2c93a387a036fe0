import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { parse, type Tags } from 'yaml';

/**
 * Reads the DynamoDB tables straight from serverless.yml's Resources, so the local
 * stack and the tests create exactly what a deploy creates (one source of truth).
 * CloudFormation tags (!Sub, !GetAtt, …) are kept as opaque values: tables don't use them.
 */
const cloudFormationTags: Tags = ['Sub', 'GetAtt', 'Ref', 'Join', 'If', 'Equals', 'Select', 'Split'].flatMap(
  (name) =>
    (['scalar', 'seq', 'map'] as const).map((nodeClass) => ({
      tag: `!${name}`,
      collection: nodeClass === 'scalar' ? undefined : nodeClass,
      resolve: (value: unknown) => ({ [`Fn::${name}`]: value }),
    })),
) as unknown as Tags;

export const SERVICE_ROOT = path.resolve(import.meta.dirname, '..', '..');

interface TableResource {
  Type: 'AWS::DynamoDB::Table';
  Properties: {
    AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
    KeySchema: CreateTableCommandInput['KeySchema'];
    GlobalSecondaryIndexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
    BillingMode?: string;
  };
}

function isTableResource(value: unknown): value is TableResource {
  if (typeof value !== 'object' || value === null) return false;
  const resource = value as { Type?: unknown; Properties?: { KeySchema?: unknown } };
  return resource.Type === 'AWS::DynamoDB::Table' && Array.isArray(resource.Properties?.KeySchema);
}

export function readServerlessYaml(root = SERVICE_ROOT): Record<string, unknown> {
  const parsed: unknown = parse(readFileSync(path.join(root, 'serverless.yml'), 'utf8'), {
    customTags: cloudFormationTags,
  });
  if (typeof parsed !== 'object' || parsed === null) throw new Error('serverless.yml is empty');
  return parsed as Record<string, unknown>;
}

/** The CreateTable input for the app table, named for the local stack. */
export function tableDefinitionFromTemplate(tableName: string, root = SERVICE_ROOT): CreateTableCommandInput {
  const resources = (
    readServerlessYaml(root).resources as { Resources?: Record<string, unknown> } | undefined
  )?.Resources;
  const tables = Object.values(resources ?? {}).filter(isTableResource);
  const [table] = tables;
  if (tables.length !== 1 || table === undefined) {
    throw new Error(`serverless.yml must declare exactly one DynamoDB table, found ${tables.length}`);
  }
  const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes } = table.Properties;
  return {
    TableName: tableName,
    AttributeDefinitions,
    KeySchema,
    BillingMode: 'PAY_PER_REQUEST',
    ...(GlobalSecondaryIndexes === undefined ? {} : { GlobalSecondaryIndexes }),
  };
}
