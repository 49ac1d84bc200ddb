/**
 * `npm run operations`: writes operations/partner/persisted-query-manifest.json from the partner
 * operations (each validated against the supergraph first). `--check` verifies it is current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildManifest, partnerManifestPath } from '../gateway/persisted-operations.js';
import { validateAgainstSupergraph } from '../gateway/validate-operations.js';

const manifest = buildManifest();
const problems = validateAgainstSupergraph(manifest.operations);
if (problems.length > 0) {
  console.error(`partner operations do not fit the supergraph:\n${problems.map((line) => `- ${line}`).join('\n')}`);
  process.exit(1);
}
const text = `${JSON.stringify(manifest, null, 2)}\n`;
const path = fileURLToPath(partnerManifestPath);
if (process.argv.includes('--check')) {
  if (readFileSync(path, 'utf8') !== text) {
    console.error('operations/partner/persisted-query-manifest.json is out of date: run npm run operations');
    process.exit(1);
  }
  console.log('the partner manifest is current');
} else {
  writeFileSync(path, text);
  console.log(`wrote ${path} (${manifest.operations.length} operations)`);
}
