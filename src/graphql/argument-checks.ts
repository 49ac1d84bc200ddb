import {
  defaultFieldResolver,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import {
  checkedText,
  InputProblems,
  MAX_EMAIL_LENGTH,
  MAX_FULL_NAME_LENGTH,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_NOTES_LENGTH,
  MAX_PARTNER_ID_LENGTH,
  MAX_PARTNER_REFERENCE_LENGTH,
  MAX_PHONE_LENGTH,
  MAX_PLAN_LENGTH,
  MAX_REASON_LENGTH,
  type TextRule,
} from '../domain/index.js';

/**
 * The one gate every argument of every operation passes before its resolver runs, queries and
 * `Guest.reservations` included: each text (String or ID, at any depth of an input) is trimmed and
 * checked by the domain's `checkedText` — length, NUL and other control characters, unpaired
 * surrogates, blank — and each list is bounded. All problems of a request come back as one
 * BAD_USER_INPUT with the field paths; nothing reaches SQL. A new argument is covered by the
 * defaults the day it is added to schema.graphql; a rule below only tightens or loosens them.
 */

/** Rules by schema coordinate: `Type.field` of an input type, `Type.field.argument` of an argument. */
export const TEXT_RULES: Readonly<Record<string, TextRule>> = {
  'ReservationSearchFilter.partnerId': { max: MAX_PARTNER_ID_LENGTH },
  'Query.reservationByPartnerReference.partnerId': { max: MAX_PARTNER_ID_LENGTH },
  'Query.reservationByPartnerReference.partnerReference': { max: MAX_PARTNER_REFERENCE_LENGTH },
  'Mutation.createReservation.idempotencyKey': { max: MAX_IDEMPOTENCY_KEY_LENGTH },
  'CreateReservationInput.partnerReference': { max: MAX_PARTNER_REFERENCE_LENGTH, blankMeansNone: true },
  'CreateReservationInput.notes': { max: MAX_NOTES_LENGTH, multiline: true, blankMeansNone: true },
  'ModifyReservationInput.notes': { max: MAX_NOTES_LENGTH, multiline: true, blankMeansNone: true },
  'ContactInput.email': { max: MAX_EMAIL_LENGTH },
  'ContactInput.phone': { max: MAX_PHONE_LENGTH, blankMeansNone: true },
  'ParticipantInput.fullName': { max: MAX_FULL_NAME_LENGTH },
  'ParticipantInput.email': { max: MAX_EMAIL_LENGTH, blankMeansNone: true },
  'ParticipantInput.phone': { max: MAX_PHONE_LENGTH, blankMeansNone: true },
  'ParticipantChangesInput.fullName': { max: MAX_FULL_NAME_LENGTH },
  'ParticipantChangesInput.email': { max: MAX_EMAIL_LENGTH, blankMeansNone: true },
  'ParticipantChangesInput.phone': { max: MAX_PHONE_LENGTH, blankMeansNone: true },
  'InsuranceInput.plan': { max: MAX_PLAN_LENGTH },
  'TransitionInput.reason': { max: MAX_REASON_LENGTH, multiline: true },
  'CancelReservationInput.reason': { max: MAX_REASON_LENGTH, multiline: true },
};

/** Any other text: an id (ours are 36 characters), a code, a cursor. */
export const DEFAULT_TEXT_RULES: Readonly<Record<'ID' | 'String', TextRule>> = {
  ID: { max: 64 },
  String: { max: 256 },
};

/** Items of any input list (statuses, participants); the gateway's entity batch is not capped. */
export const MAX_LIST_ITEMS = 100;
const UNCAPPED_LISTS = new Set(['Query._entities.representations']);

function ruleFor(coordinate: string, scalar: string): TextRule | null {
  const rule = TEXT_RULES[coordinate];
  if (rule) return rule;
  return scalar === 'ID' || scalar === 'String' ? DEFAULT_TEXT_RULES[scalar] : null;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value with its texts trimmed, recording every problem under `path`. */
function checkValue(problems: InputProblems, type: GraphQLInputType, value: unknown, path: string, coordinate: string): unknown {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return checkValue(problems, type.ofType, value, path, coordinate);
  if (isListType(type)) {
    // GraphQL has already coerced a single value given for a list into a list of one.
    if (!Array.isArray(value)) return value;
    if (value.length > MAX_LIST_ITEMS && !UNCAPPED_LISTS.has(coordinate)) {
      problems.add(path, `must list at most ${MAX_LIST_ITEMS} items (it lists ${value.length})`);
      return value;
    }
    return value.map((item, index) => checkValue(problems, type.ofType, item, `${path}.${index}`, coordinate));
  }
  if (isInputObjectType(type)) {
    if (!isPlainObject(value)) return value;
    const checked: Record<string, unknown> = { ...value };
    for (const field of Object.values(type.getFields())) {
      if (field.name in value) {
        checked[field.name] = checkValue(
          problems,
          field.type,
          value[field.name],
          `${path}.${field.name}`,
          `${type.name}.${field.name}`,
        );
      }
    }
    return checked;
  }
  const rule = isScalarType(type) ? ruleFor(coordinate, type.name) : null;
  return rule && typeof value === 'string' ? checkedText(problems, path, value, rule) : value;
}

/** The arguments of one field, checked and trimmed; throws BAD_USER_INPUT listing every problem. */
export function checkArguments(
  args: Record<string, unknown>,
  definitions: readonly GraphQLArgument[],
  owner: string,
): Record<string, unknown> {
  const problems = new InputProblems();
  const checked: Record<string, unknown> = { ...args };
  for (const argument of definitions) {
    if (argument.name in args) {
      checked[argument.name] = checkValue(
        problems,
        argument.type,
        args[argument.name],
        argument.name,
        `${owner}.${argument.name}`,
      );
    }
  }
  problems.throwIfAny();
  return checked;
}

/** Every schema coordinate the rules may name (so a renamed field cannot leave a rule behind). */
export function inputCoordinates(schema: GraphQLSchema): Set<string> {
  const coordinates = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type))
      for (const field of Object.values(type.getFields())) coordinates.add(`${type.name}.${field.name}`);
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        for (const argument of field.args) coordinates.add(`${type.name}.${field.name}.${argument.name}`);
      }
    }
  }
  return coordinates;
}

/** Wraps the resolver of every field that takes arguments with the check (in place; returns the schema). */
export function enforceArgumentChecks(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0 || !field.args.some((argument) => hasCheckedInput(argument.type))) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const owner = `${type.name}.${field.name}`;
      field.resolve = (source, args, context, info) => resolve(source, checkArguments(args, field.args, owner), context, info);
    }
  }
  return schema;
}

/** Whether an argument holds any text or list to check (an Int or an enum alone does not). */
function hasCheckedInput(type: GraphQLInputType, seen = new Set<string>()): boolean {
  if (isListType(type) || (isNonNullType(type) && isListType(type.ofType))) return true;
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'ID' || named.name === 'String';
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => hasCheckedInput(field.type, seen));
}
