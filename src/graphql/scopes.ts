import {
  type ConstDirectiveNode,
  type ConstValueNode,
  defaultFieldResolver,
  type GraphQLSchema,
  isObjectType,
  Kind,
} from 'graphql';
import { ForbiddenError, type Role, UnauthenticatedError } from '../domain/index.js';
import type { GraphQLContext } from './context.js';

/**
 * `@requiresScopes` of schema.graphql, enforced by the subgraph itself, field by field: a field that
 * carries it resolves only for a caller whose scopes (their role) satisfy one of its scope sets.
 * The schema is the one place the rule is written; the gateway or router may check it too.
 */

/** Scope sets of a field: any one set, all of whose scopes the caller holds, admits them. */
export type ScopeSets = string[][];

function listOf(value: ConstValueNode): ConstValueNode[] {
  return value.kind === Kind.LIST ? [...value.values] : [value];
}

export function scopesOf(directives: readonly ConstDirectiveNode[] | undefined): ScopeSets | null {
  const directive = directives?.find((node) => node.name.value === 'requiresScopes');
  const argument = directive?.arguments?.find((node) => node.name.value === 'scopes');
  if (!argument) return null;
  return listOf(argument.value).map((set) =>
    listOf(set).map((scope) => (scope.kind === Kind.STRING ? scope.value : String(scope.kind))),
  );
}

export function admits(scopes: ScopeSets, role: Role): boolean {
  const held = new Set<string>([role]);
  return scopes.some((set) => set.every((scope) => held.has(scope)));
}

/** The object fields of the schema that carry `@requiresScopes`, with their scope sets. */
function* fieldsWithScopes(schema: GraphQLSchema) {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const scopes = scopesOf(field.astNode?.directives);
      if (scopes) yield { type, field, scopes };
    }
  }
}

/** Every `Type.field` of the schema with its scope sets. */
export function scopedFields(schema: GraphQLSchema): Map<string, ScopeSets> {
  return new Map([...fieldsWithScopes(schema)].map(({ type, field, scopes }) => [`${type.name}.${field.name}`, scopes]));
}

/** Wraps the resolver of every scoped field with the check (in place; returns the schema). */
export function enforceScopes(schema: GraphQLSchema): GraphQLSchema {
  for (const { type, field, scopes } of fieldsWithScopes(schema)) {
    const resolve = field.resolve ?? defaultFieldResolver;
    const allowed = scopes.map((set) => set.join(' and ')).join(', or ');
    field.resolve = (source, args, context: GraphQLContext, info) => {
      const caller = context.caller;
      if (!caller) throw new UnauthenticatedError();
      if (!admits(scopes, caller.role)) {
        throw new ForbiddenError(`${type.name}.${field.name} is not open to a ${caller.role} (it needs ${allowed}).`);
      }
      return resolve(source, args, context, info);
    };
  }
  return schema;
}
