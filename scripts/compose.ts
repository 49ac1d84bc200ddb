/**
 * `npm run compose`: composes schema.graphql with the guest-profiles and trip-catalog subgraphs
 * into supergraph.graphql (exit 1 with the composition errors when they do not compose).
 * `--check` only verifies that the committed file is current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeSupergraph, supergraphPath } from '../gateway/supergraph.js';

try {
  const supergraph = composeSupergraph();
  const path = fileURLToPath(supergraphPath);
  if (process.argv.includes('--check')) {
    const current = readFileSync(path, 'utf8');
    if (current !== supergraph) {
      console.error('supergraph.graphql is out of date: run npm run compose');
      process.exit(1);
    }
    console.log('supergraph.graphql is current');
  } else {
    writeFileSync(path, supergraph);
    console.log(`wrote ${path}`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
