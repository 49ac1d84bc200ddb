import { type DocumentNode, type GraphQLSchema, Kind, parse, print, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type { Role } from '../src/domain/index.js';
import { admits, type ScopeSets, scopesOf } from '../src/graphql/scopes.js';

/**
 * The supergraph's security directives at the gateway. `@apollo/gateway` refuses a supergraph
 * with features `for: SECURITY` it does not enforce itself (`@authenticated`, `@requiresScopes`),
 * so this gateway enforces them in its own layer and hands Apollo's the supergraph without them:
 * - `@authenticated`: every request needs a verified token (checked before GraphQL runs);
 * - `@requiresScopes`: `scopeRules` reads them from the supergraph, `refusedFields` lists the
 *   fields of an operation the caller's role does not satisfy (the operation is then refused).
 * The subgraph enforces the same directives itself, whatever the gateway does.
 */

const SECURITY_DIRECTIVES = new Set(['authenticated', 'requiresScopes', 'policy']);
const SECURITY_SPECS = /^https:\/\/specs\.apollo\.dev\/(authenticated|requiresScopes|policy)\//;

/** `Type.field` → scope sets, as the supergraph declares them. */
export function scopeRules(supergraphSdl: string): Map<string, ScopeSets> {
  const rules = new Map<string, ScopeSets>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      const scopes = scopesOf(field.directives);
      if (scopes) rules.set(`${definition.name.value}.${field.name.value}`, scopes);
    }
  }
  return rules;
}

/** The supergraph without the security features, for `@apollo/gateway`'s query planner. */
export function withoutSecurityFeatures(supergraphSdl: string): string {
  const stripped = visit(parse(supergraphSdl), {
    Directive(node) {
      if (SECURITY_DIRECTIVES.has(node.name.value)) return null;
      if (node.name.value === 'link') {
        const url = node.arguments?.find((argument) => argument.name.value === 'url')?.value;
        if (url?.kind === Kind.STRING && SECURITY_SPECS.test(url.value)) return null;
      }
      return undefined;
    },
    DirectiveDefinition(node) {
      return SECURITY_DIRECTIVES.has(node.name.value) ? null : undefined;
    },
    ScalarTypeDefinition(node) {
      return /^(requiresScopes|policy)__/.test(node.name.value) ? null : undefined;
    },
  });
  return print(stripped);
}

/** The fields of `document` (as `Type.field`) that `role` may not use. */
export function refusedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  rules: Map<string, ScopeSets>,
  role: Role,
): string[] {
  const refused = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        const scopes = rules.get(`${parent.name}.${field.name}`);
        if (scopes && !admits(scopes, role)) refused.add(`${parent.name}.${field.name}`);
      },
    }),
  );
  return [...refused];
}
