import { type GraphQLSchema, isObjectType, isUnionType, Kind, parse } from 'graphql';
import { BadUserInputError } from '../domain/index.js';

/**
 * `_entities` answers each representation of a gateway batch on its own slot. @apollo/subgraph's
 * resolver throws for the whole list when one `__typename` is unknown, and a synchronous throw of
 * any `__resolveReference` does the same: one bad representation would null every entity of the
 * batch. Here each representation is checked against the schema's entity types and their `@key`s,
 * then resolved alone; a problem rejects its own slot only (null there, an error on its path).
 * A well-formed key that names nothing still resolves to null without an error ("no such entity").
 */

/** The flat key field sets of each entity type, e.g. Reservation → [[id], [confirmationCode]]. */
function entityKeys(schema: GraphQLSchema): Map<string, string[][]> {
  const union = schema.getType('_Entity');
  const keys = new Map<string, string[][]>();
  if (!isUnionType(union)) return keys;
  for (const type of union.getTypes()) {
    const sets: string[][] = [];
    for (const directive of type.astNode?.directives ?? []) {
      if (directive.name.value !== 'key') continue;
      const fields = directive.arguments?.find((argument) => argument.name.value === 'fields')?.value;
      if (fields?.kind !== Kind.STRING) continue;
      // A key is a selection set; ours are flat (a nested key would need its own check here).
      const selection = parse(`{ ${fields.value} }`).definitions[0];
      if (selection?.kind === Kind.OPERATION_DEFINITION) {
        sets.push(selection.selectionSet.selections.flatMap((node) => (node.kind === Kind.FIELD ? [node.name.value] : [])));
      }
    }
    keys.set(type.name, sets);
  }
  return keys;
}

/** Our keys are flat ids and codes: a string, or an integer as GraphQL's ID accepts (not 1.5). */
const isKeyValue = (value: unknown): boolean => typeof value === 'string' || Number.isSafeInteger(value);

/** Why a representation cannot be resolved, or null when it can. */
function problemOf(representation: unknown, keys: Map<string, string[][]>): { field: string; message: string } | null {
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
    return { field: '', message: 'must be an object with __typename and the fields of a @key' };
  }
  const typename = (representation as Record<string, unknown>).__typename;
  if (typeof typename !== 'string') return { field: '__typename', message: 'is required' };
  const sets = keys.get(typename);
  if (!sets) {
    return { field: '__typename', message: `must name an entity of this subgraph (${[...keys.keys()].join(', ')})` };
  }
  const complete = sets.some((set) => set.every((name) => isKeyValue((representation as Record<string, unknown>)[name])));
  if (!complete) {
    const written = sets.map((set) => set.join(' ')).join(' or ');
    return { field: '', message: `must give the key of a ${typename}: ${written}` };
  }
  return null;
}

/** Replaces the `_entities` resolver of a subgraph schema (in place; returns the schema). */
export function resolveEntitiesPerSlot(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  const field = query && isObjectType(query) ? query.getFields()._entities : undefined;
  const original = field?.resolve;
  if (!field || !original) return schema;
  const keys = entityKeys(schema);
  field.resolve = (source, args: { representations: unknown[] }, context, info) =>
    args.representations.map(async (representation, index) => {
      const problem = problemOf(representation, keys);
      if (problem) {
        const path = ['representations', index, problem.field].filter((part) => part !== '').join('.');
        throw new BadUserInputError([{ field: path, message: problem.message }]);
      }
      // Alone, so that a throw (sync or async) of its __resolveReference lands on this slot; the
      // loaders still batch, as every slot starts in the same tick.
      const [entity] = original(source, { representations: [representation] }, context, info) as unknown[];
      return entity;
    });
  return schema;
}
