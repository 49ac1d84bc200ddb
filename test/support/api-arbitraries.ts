import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { daysFromToday } from './factories.js';

/**
 * Arbitrary operations of a subgraph schema, derived from the schema itself: every query and
 * mutation field (`_entities` and `_service` included), each argument sent as a variable whose value
 * is generated from its GraphQL type — strings with NUL, control, combining and 4-byte characters,
 * huge and empty values, wrong JSON types, random and real ids — so an argument added to
 * schema.graphql is covered without touching this file. Values that would be valid are favoured by
 * field name (an `id` is mostly a live reservation's), so bad values are met deep inside otherwise
 * valid inputs, where they used to reach SQL.
 */

/** The rows a generated value may refer to; read from the database before each run. */
export interface LiveData {
  reservations: { id: string; rev: number; confirmationCode: string; guestId: string; tripId: string; participants: string[] }[];
  /** The reservation most references of this run point to, so that an id and its `expectedRev` agree. */
  focus: number;
  /** The share of values of this run drawn from anything rather than from valid values (0..1). */
  nastiness: number;
}

/** A value to send, made once the live data of the run is known; `OMIT` leaves a field out. */
export type Gen = (live: LiveData) => unknown;
export const OMIT = Symbol('omit');

export interface GeneratedOperation {
  field: string;
  kind: 'query' | 'mutation';
  document: string;
}

const value =
  (item: unknown): Gen =>
  () =>
    item;
const focused = (live: LiveData) => live.reservations[live.focus % Math.max(live.reservations.length, 1)];

const NASTY_TEXT: string[] = [
  '',
  '   ',
  '\u0000',
  'a\u0000b',
  'reason\u001b[31m',
  '\t\r\n',
  'line one\nline two',
  'e\u0301\u0301\u0301',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀🧗🏽‍♀️',
  '\ud800',
  'tail \udfff',
  '\u202e\u2066',
  '\ufeff\ufffe\uffff',
  "'; DROP TABLE reservations.reservations; --",
  'x'.repeat(10_000),
  '😀'.repeat(300),
  '𝔘'.repeat(129),
  'é'.repeat(2001),
];

/** Any text, including the ones that broke the API before, and values of the wrong JSON type. */
const anyText: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_TEXT) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 300, maxLength: 3_000 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant({}), fc.constant([])) },
);

const anyInt: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -3, max: 120 }),
  fc.constantFrom(2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53, -(2 ** 63), 1.5, 1e300),
  fc.constantFrom('1', '', true, null, [], {}),
);

const anyDate: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -400, max: 900 }).map(daysFromToday),
  fc.constantFrom('0000-01-01', '0001-01-01', '9999-12-31', '2026-02-30', '2026-13-01', '26-01-01', '+002026-01-01'),
  anyText,
);

const uuid = fc.oneof(
  fc.uuid(),
  fc.constantFrom(
    '00000000-0000-7000-8000-000000000000',
    'ffffffff-ffff-7fff-bfff-ffffffffffff',
    'FFFFFFFF-FFFF-7FFF-BFFF-FFFFFFFFFFFF',
  ),
);

/** Values that pass by field name, mostly pointing at live rows; anything else falls back to the type. */
function validByName(name: string): fc.Arbitrary<Gen> | null {
  const reservationId = fc.oneof(
    { weight: 4, arbitrary: fc.constant<Gen>((live) => focused(live)?.id ?? randomUUID()) },
    { weight: 1, arbitrary: fc.nat().map<Gen>((index) => (live) => live.reservations[index % live.reservations.length]?.id) },
  );
  const byName: Record<string, fc.Arbitrary<Gen>> = {
    id: reservationId,
    reservationId,
    participantId: fc.nat().map<Gen>((index) => (live) => {
      const participants = focused(live)?.participants ?? [];
      return participants[index % Math.max(participants.length, 1)] ?? randomUUID();
    }),
    expectedRev: fc.constant<Gen>((live) => focused(live)?.rev ?? 1),
    confirmationCode: fc.constant<Gen>((live) => focused(live)?.confirmationCode),
    guestId: fc.oneof(
      uuid.map(value),
      fc.constant<Gen>((live) => focused(live)?.guestId),
    ),
    tripId: fc.oneof(
      uuid.map(value),
      fc.constant<Gen>((live) => focused(live)?.tripId),
    ),
    tripDate: fc.integer({ min: 1, max: 700 }).map((days) => value(daysFromToday(days))),
    tripDateFrom: fc.integer({ min: -700, max: 700 }).map((days) => value(daysFromToday(days))),
    tripDateTo: fc.integer({ min: -700, max: 700 }).map((days) => value(daysFromToday(days))),
    dateOfBirth: fc.constantFrom('1990-05-01', '2020-02-29').map(value),
    email: fc.constantFrom('ada@example.com', 'Grace.Hopper@Example.ORG').map(value),
    phone: fc.constantFrom('+4930123456', '+41 44 668 18 00').map(value),
    fullName: fc.constantFrom('Ada Lovelace', 'Zoë Ωmega', '李小龍').map(value),
    plan: fc.constantFrom('STANDARD', 'premium').map(value),
    currency: fc.constantFrom('EUR', 'chf').map(value),
    premiumCents: fc.integer({ min: 0, max: 10_000 }).map(value),
    partnerId: fc.constantFrom('acme', 'globex').map(value),
    partnerReference: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }).map(value),
    idempotencyKey: fc.string({ unit: 'grapheme-ascii', minLength: 8, maxLength: 30 }).map(value),
    reason: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(value),
    notes: fc.string({ unit: 'grapheme', maxLength: 60 }).map(value),
    first: fc.integer({ min: 1, max: 100 }).map(value),
  };
  return byName[name] ?? null;
}

/** A value of a named type that GraphQL accepts, when its field name says nothing more. */
function plausibleOfType(type: GraphQLNamedType): fc.Arbitrary<Gen> {
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((item) => item.value as string)).map(value);
  if (isScalarType(type)) {
    if (type.name === 'Int') return fc.integer({ min: 0, max: 50 }).map(value);
    if (type.name === 'Float') return fc.double({ noNaN: true, noDefaultInfinity: true }).map(value);
    if (type.name === 'Boolean') return fc.boolean().map(value);
    if (type.name === 'Date') return fc.integer({ min: 1, max: 700 }).map((days) => value(daysFromToday(days)));
    if (type.name === '_Any') return representation();
  }
  return fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(value);
}

/** Any value for a named type: its own edge cases, nasty texts and the wrong JSON types. */
function anyOfType(type: GraphQLNamedType): fc.Arbitrary<Gen> {
  if (isEnumType(type)) return fc.oneof(plausibleOfType(type), anyText.map(value));
  if (isScalarType(type)) {
    if (type.name === 'Int') return anyInt.map(value);
    if (type.name === 'Boolean') return fc.oneof(fc.boolean(), anyText).map(value);
    if (type.name === 'Date') return anyDate.map(value);
    if (type.name === '_Any') return representation();
  }
  return anyText.map(value);
}

/**
 * Each leaf holds both a valid and an arbitrary value and a draw `u`; the run's `nastiness` picks
 * between them. A run of nastiness 0 sends valid inputs (they reach SQL and change rows), a small
 * one puts a bad value or two inside an otherwise valid input, a large one sends anything.
 */
const leaf = (valid: fc.Arbitrary<Gen>, any: fc.Arbitrary<Gen>): fc.Arbitrary<Gen> =>
  fc.tuple(valid, any, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })).map<Gen>(
    ([good, bad, u]) =>
      (live) =>
        u < live.nastiness ? bad(live) : good(live),
  );

/** A value of an input type: valid by name or type, or (per the run's nastiness) anything, null or the wrong shape. */
export function inputValue(type: GraphQLInputType, name: string, depth = 0): fc.Arbitrary<Gen> {
  if (isNonNullType(type)) return leaf(inputValue(type.ofType, name, depth), fc.constant(value(null)));
  if (isListType(type)) {
    const item = inputValue(type.ofType, name, depth + 1);
    const items = fc
      .array(item, { minLength: 1, maxLength: depth > 1 ? 1 : 3 })
      .map<Gen>((list) => (live) => list.map((gen) => gen(live)));
    const odd = fc.oneof(
      item,
      fc.constant(value([])),
      fc
        .integer({ min: 101, max: 400 })
        .chain((length) => item.map<Gen>((gen) => (live) => Array.from({ length }, () => gen(live)))),
    );
    return leaf(items, odd);
  }
  const named = getNamedType(type);
  if (isInputObjectType(named)) return inputObject(named.getFields(), depth);
  return leaf(validByName(name) ?? plausibleOfType(named), anyOfType(named));
}

function inputObject(fields: Record<string, { type: GraphQLInputType }>, depth: number): fc.Arbitrary<Gen> {
  const entries = Object.entries(fields).map(([name, field]) => {
    const present = inputValue(field.type, name, depth + 1);
    const given = isNonNullType(field.type)
      ? leaf(
          present,
          fc.constant<Gen>(() => OMIT),
        )
      : fc.oneof(
          present,
          fc.constant<Gen>(() => OMIT),
          fc.constant(value(null)),
        );
    return given.map((gen) => [name, gen] as const);
  });
  const extra = leaf(
    fc.constant<Gen>(() => OMIT),
    fc.constant(value('x')),
  );
  return fc.tuple(fc.tuple(...entries), extra).map<Gen>(([pairs, unexpected]) => (live) => {
    const object: Record<string, unknown> = {};
    for (const [name, gen] of pairs) {
      const item = gen(live);
      if (item !== OMIT) object[name] = item;
    }
    // A field the input type does not define, now and then.
    const more = unexpected(live);
    if (more !== OMIT && live.nastiness > 0.2) object.unexpectedField = more;
    return object;
  });
}

/** A federation representation: mostly of a real entity, sometimes unknown, malformed or not an object. */
function representation(): fc.Arbitrary<Gen> {
  const key = fc.oneof(
    fc.constant<Gen>((live) => ({ id: focused(live)?.id })),
    fc.constant<Gen>((live) => ({ confirmationCode: focused(live)?.confirmationCode })),
    fc.constant<Gen>((live) => ({ id: focused(live)?.participants[0] })),
    fc.constant<Gen>((live) => ({ id: focused(live)?.guestId })),
    anyText.map<Gen>((id) => () => ({ id })),
    anyText.map<Gen>((confirmationCode) => () => ({ confirmationCode })),
    fc.constant<Gen>(() => ({})),
  );
  const typename = fc.constantFrom<unknown>('Reservation', 'Participant', 'Guest', 'Trip', 'Nope', '', 42, null);
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.tuple(typename, key).map<Gen>(([name, gen]) => (live) => ({ __typename: name, ...(gen(live) as object) })),
    },
    { weight: 1, arbitrary: anyText.map(value) },
  );
}

/** A selection of every leaf field (two levels deep), so that output serialization runs too. */
function selection(type: GraphQLOutputType, depth: number, aliased: (field: string) => string = () => ''): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (depth > 2) return '{ __typename }';
  if (isAbstractType(named)) return '{ __typename }';
  if (!isObjectType(named)) return '{ __typename }';
  const fields = Object.values(named.getFields())
    .filter((field) => field.args.every((argument) => !isNonNullType(argument.type)))
    .map((field) => `${aliased(field.name)}${field.name} ${selection(field.type, depth + 1)}`);
  return `{ __typename ${fields.join(' ')} }`;
}

function entitySelection(schema: GraphQLSchema): string {
  const union = schema.getType('_Entity');
  if (!union || !isAbstractType(union)) return '{ __typename }';
  // A field of two entities with different types (Participant.guest: Guest, Reservation.guest:
  // Guest!) cannot share a response name: it is aliased per type.
  const types = schema.getPossibleTypes(union);
  const typesOf = (name: string) => new Set(types.map((type) => type.getFields()[name]?.type.toString()).filter(Boolean));
  const fragments = types.map(
    (type) => `... on ${type.name} ${selection(type, 1, (name) => (typesOf(name).size > 1 ? `${type.name}_${name}: ` : ''))}`,
  );
  return `{ __typename ${fragments.join(' ')} }`;
}

function operationOf(
  schema: GraphQLSchema,
  kind: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
): GeneratedOperation {
  const variables = field.args.map((argument) => `$${argument.name}: ${argument.type.toString()}`);
  const args = field.args.map((argument) => `${argument.name}: $${argument.name}`);
  const picked = field.name === '_entities' ? entitySelection(schema) : selection(field.type, 1);
  const document = `${kind} ${field.name}${variables.length ? `(${variables.join(', ')})` : ''} { ${field.name}${
    args.length ? `(${args.join(', ')})` : ''
  } ${picked} }`;
  return { field: field.name, kind, document };
}

/** Every query and mutation of the schema, each with an arbitrary of its variables. */
export function operationsOf(schema: GraphQLSchema): { operation: GeneratedOperation; variables: fc.Arbitrary<Gen> }[] {
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const;
  return roots.flatMap(([kind, root]) =>
    Object.values(root?.getFields() ?? {}).map((field) => ({
      operation: operationOf(schema, kind, field),
      variables: inputObject(Object.fromEntries(field.args.map((argument) => [argument.name, argument])), 0),
    })),
  );
}
