import { readFileSync } from 'node:fs';
import { type EnumTypeDefinitionNode, Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AGE_CATEGORIES, DEPOSIT_STATUSES, INSURANCE_STATUSES, RESERVATION_STATUSES } from '../../../src/domain/index.js';

/**
 * The domain declares each enumeration once (src/domain/enums.ts); Prisma's schema and the GraphQL
 * contract repeat it in their own languages. They must list the same values, in the same order.
 */

const prismaSchema = readFileSync(new URL('../../../prisma/schema.prisma', import.meta.url), 'utf8');
const graphqlSchema = parse(readFileSync(new URL('../../../schema.graphql', import.meta.url), 'utf8'));

function prismaEnum(schema: string, name: string): string[] | null {
  const block = new RegExp(`^enum ${name} \\{([^}]*)\\}`, 'm').exec(schema)?.[1];
  if (block === undefined) return null;
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[A-Z][A-Z0-9_]*$/.test(line));
}

function graphqlEnum(name: string): string[] | null {
  const node = graphqlSchema.definitions.find(
    (definition): definition is EnumTypeDefinitionNode =>
      definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === name,
  );
  return node ? (node.values ?? []).map((value) => value.name.value) : null;
}

describe('each enumeration has one source: the domain', () => {
  const domain = {
    ReservationStatus: RESERVATION_STATUSES,
    AgeCategory: AGE_CATEGORIES,
    InsuranceStatus: INSURANCE_STATUSES,
    DepositStatus: DEPOSIT_STATUSES,
  };

  it.each(Object.entries(domain))('prisma/schema.prisma lists the values of %s', (name, values) => {
    expect(prismaEnum(prismaSchema, name)).toEqual([...values]);
  });

  it.each(['ReservationStatus', 'AgeCategory', 'InsuranceStatus'] as const)('schema.graphql lists the values of %s', (name) => {
    expect(graphqlEnum(name)).toEqual([...domain[name]]);
  });

  it('notices a value that only Prisma has', () => {
    const altered = prismaSchema.replace(/(enum AgeCategory \{[^}]*INFANT)/, '$1\n  SENIOR');
    expect(prismaEnum(altered, 'AgeCategory')).not.toEqual([...AGE_CATEGORIES]);
  });
});
