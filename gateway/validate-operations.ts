import { readFileSync } from 'node:fs';
import { transformSupergraphToPublicSchema } from '@theguild/federation-composition';
import { buildASTSchema, parse, validate } from 'graphql';
import type { PersistedOperation } from './persisted-operations.js';
import { supergraphPath } from './supergraph.js';

/** Problems of operations against the API schema of the supergraph (empty when they all fit). */
export function validateAgainstSupergraph(operations: PersistedOperation[], supergraphSdl?: string): string[] {
  const sdl = supergraphSdl ?? readFileSync(supergraphPath, 'utf8');
  const api = buildASTSchema(transformSupergraphToPublicSchema(parse(sdl)), { assumeValidSDL: true });
  return operations.flatMap((operation) =>
    validate(api, parse(operation.body)).map((error) => `${operation.name}: ${error.message}`),
  );
}
