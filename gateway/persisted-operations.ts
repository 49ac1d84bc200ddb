import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { type DocumentNode, Kind, type OperationDefinitionNode, parse } from 'graphql';

/**
 * Partner operations: `operations/partner/*.graphql`, one named operation per file. Their
 * persisted-query manifest (Apollo's persisted query list format) is what partners send ids from
 * and what the gateway admits from partners — nothing else.
 */

export interface PersistedOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: PersistedOperation[];
}

export const partnerOperationsDir = new URL('../operations/partner/', import.meta.url);
export const partnerManifestPath = new URL('../operations/partner/persisted-query-manifest.json', import.meta.url);

function onlyOperation(document: DocumentNode, file: string): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (node): node is OperationDefinitionNode => node.kind === Kind.OPERATION_DEFINITION,
  );
  const [operation] = operations;
  if (operations.length !== 1 || !operation?.name || document.definitions.length !== 1) {
    throw new Error(`${file}: must hold exactly one named operation and nothing else`);
  }
  return operation;
}

/** The manifest of the .graphql files in `dir`; the id of an operation is the SHA-256 of its body. */
export function buildManifest(dir: URL = partnerOperationsDir): PersistedQueryManifest {
  const operations = readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file): PersistedOperation => {
      const body = `${readFileSync(new URL(file, dir), 'utf8').trim()}\n`;
      const operation = onlyOperation(parse(body), file);
      return {
        id: createHash('sha256').update(body).digest('hex'),
        name: operation.name?.value ?? file,
        type: operation.operation,
        body,
      };
    });
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

export function readManifest(path: URL = partnerManifestPath): PersistedQueryManifest {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as PersistedQueryManifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1) {
    throw new Error(`${path.pathname}: not an Apollo persisted query manifest (version 1)`);
  }
  return manifest;
}
