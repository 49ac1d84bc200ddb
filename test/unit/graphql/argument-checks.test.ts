import { readFileSync } from 'node:fs';
import { type GraphQLObjectType, type GraphQLResolveInfo, getNamedType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  checkArguments,
  DEFAULT_TEXT_RULES,
  inputCoordinates,
  MAX_LIST_ITEMS,
  TEXT_RULES,
} from '../../../src/graphql/argument-checks.js';
import { variableField } from '../../../src/graphql/errors.js';
import { exceedsTokens } from '../../../src/graphql/query-limits.js';
import { buildSchema } from '../../../src/graphql/schema.js';
import { problemsOf } from '../domain/factories.js';

const schema = buildSchema();
const field = (type: string, name: string) => {
  const found = (schema.getType(type) as GraphQLObjectType).getFields()[name];
  if (!found) throw new Error(`no field ${type}.${name}`);
  return found;
};
const check = (type: string, name: string, args: Record<string, unknown>) =>
  checkArguments(args, field(type, name).args, `${type}.${name}`);

describe('the argument checks', () => {
  it('name only coordinates that exist in schema.graphql', () => {
    const coordinates = inputCoordinates(schema);
    expect(Object.keys(TEXT_RULES).filter((coordinate) => !coordinates.has(coordinate))).toEqual([]);
  });

  it('guard every field of the schema that takes a text argument, before its resolver runs', () => {
    const guarded: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const each of Object.values(type.getFields())) {
        for (const argument of each.args.filter((candidate) => ['ID', 'String'].includes(getNamedType(candidate.type).name))) {
          const context = { caller: { role: 'staff', subject: 'unit' } };
          const resolve = () => each.resolve?.({}, { [argument.name]: 'a\u0000' }, context, {} as GraphQLResolveInfo);
          expect(problemsOf(resolve), `${type.name}.${each.name}(${argument.name})`).toEqual([
            { field: argument.name, message: 'must not contain control characters or line breaks' },
          ]);
          guarded.push(`${type.name}.${each.name}`);
        }
      }
    }
    expect(guarded).toEqual(expect.arrayContaining(['Query.reservation', 'Guest.reservations', 'Mutation.createReservation']));
  });

  it('trim texts at any depth and hand the trimmed values on', () => {
    const checked = check('Mutation', 'cancelReservation', {
      input: { id: ' 019ab5c4-0000-7000-8000-000000000000 ', expectedRev: 1, reason: '  Storm \n' },
    });
    expect(checked).toEqual({ input: { id: '019ab5c4-0000-7000-8000-000000000000', expectedRev: 1, reason: 'Storm' } });
  });

  it('list every problem of a request with its path, lists included', () => {
    const problems = problemsOf(() =>
      check('Mutation', 'createReservation', {
        idempotencyKey: 'k\u0000ey-12345',
        input: {
          notes: 'fine\nnotes',
          contact: { email: ' ', phone: '   ' },
          participants: [{ fullName: 'Ada' }, { fullName: 'B\u001bob', insurance: { plan: 'P'.repeat(65) } }],
        },
      }),
    );
    expect(problems).toEqual([
      { field: 'input.contact.email', message: 'must not be blank' },
      { field: 'input.participants.1.fullName', message: 'must not contain control characters or line breaks' },
      { field: 'input.participants.1.insurance.plan', message: 'must be at most 64 characters (it has 65)' },
      { field: 'idempotencyKey', message: 'must not contain control characters or line breaks' },
    ]);
  });

  it('let blank mean "none" only where it does, and count characters, not UTF-16 units', () => {
    expect(check('Mutation', 'modifyReservation', { input: { id: 'x', expectedRev: 1, notes: '  ' } })).toMatchObject({
      input: { notes: '' },
    });
    expect(check('Query', 'reservationByPartnerReference', { partnerReference: '😀'.repeat(128) })).toEqual({
      partnerReference: '😀'.repeat(128),
    });
    expect(problemsOf(() => check('Query', 'reservation', { id: '   ' }))).toEqual([
      { field: 'id', message: 'must not be blank' },
    ]);
  });

  it('are documented in the README, limit by limit', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('**Input checks.**'), readme.indexOf('Limits: query depth'));
    const limits = new Set([...Object.values(TEXT_RULES), ...Object.values(DEFAULT_TEXT_RULES)].map((rule) => rule.max));
    for (const max of limits)
      expect(section, `README lacks the limit ${max}`).toMatch(new RegExp(`\\b${max.toLocaleString('en-US')}\\b`));
    expect(section).toContain(`holds at most ${MAX_LIST_ITEMS} items`);
  });

  it('bound lists, but not the gateway’s entity batch', () => {
    const statuses = Array.from({ length: MAX_LIST_ITEMS + 1 }, () => 'PENDING');
    expect(problemsOf(() => check('Query', 'reservations', { filter: { status: statuses } }))).toEqual([
      { field: 'filter.status', message: `must list at most ${MAX_LIST_ITEMS} items (it lists ${MAX_LIST_ITEMS + 1})` },
    ]);
    const representations = Array.from({ length: 500 }, () => ({ __typename: 'Guest', id: 'x' }));
    expect(check('Query', '_entities', { representations })).toEqual({ representations });
  });
});

describe('the field path of a variable GraphQL could not coerce', () => {
  it.each([
    [
      'Variable "$input" got invalid value 3 at "input.participants[0].fullName"; String cannot represent a non string value: 3',
      'String cannot represent a non string value: 3',
      'input.participants.0.fullName',
    ],
    [
      'Variable "$input" got invalid value {}; Field "contact" of required type "ContactInput!" was not provided.',
      'Field "contact" of required type "ContactInput!" was not provided.',
      'input.contact',
    ],
    [
      'Variable "$input" got invalid value { x: 1 } at "input.contact"; Field "x" is not defined by type "ContactInput".',
      'Field "x" is not defined by type "ContactInput".',
      'input.contact.x',
    ],
    ['Variable "$input" of required type "CancelReservationInput!" was not provided.', undefined, 'input'],
    // The printed value is the client's: a path written inside it is not taken for the real one.
    [
      'Variable "$i" got invalid value "at \\"i.evil\\""; Int cannot represent non-integer value: "at \\"i.evil\\""',
      'Int cannot represent non-integer value: "at \\"i.evil\\""',
      'i',
    ],
  ])('%s → %s', (message, reason, expected) => {
    expect(variableField(message, reason)).toBe(expected);
  });

  it('is null for other messages', () => {
    expect(variableField('Cannot query field "x" on type "Query".', undefined)).toBeNull();
  });
});

describe('the token limit', () => {
  it('counts tokens, not characters, and leaves syntax errors to the parser', () => {
    expect(exceedsTokens(`{ ${'a '.repeat(10)}}`, 12)).toBe(false);
    expect(exceedsTokens(`{ ${'a '.repeat(11)}}`, 12)).toBe(true);
    expect(exceedsTokens(`{ a(x: "${'y'.repeat(100_000)}") }`, 12)).toBe(false);
    expect(exceedsTokens('{ "unterminated', 12)).toBe(false);
  });
});
