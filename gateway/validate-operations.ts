import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { parse, validate } from 'graphql';
import type { PersistedOperation } from './persisted-operations.js';
import { withoutSecurityFeatures } from './security.js';
import { supergraphPath } from './supergraph.js';

/** Problems of operations against the API schema of the supergraph (empty when they all fit). */
export function validateAgainstSupergraph(operations: PersistedOperation[], supergraphSdl?: string): string[] {
  const sdl = supergraphSdl ?? readFileSync(supergraphPath, 'utf8');
  const api = Supergraph.build(withoutSecurityFeatures(sdl)).apiSchema().toGraphQLJSSchema();
  return operations.flatMap((operation) =>
    validate(api, parse(operation.body)).map((error) => `${operation.name}: ${error.message}`),
  );
}
