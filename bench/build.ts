import { execFile } from 'node:child_process';
import { cp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The servers under test as deployed: compiled by tsc (tsconfig.bench.json: `src` and
 * `bench/servers`) and run by plain `node`, as the Dockerfile runs `dist/src/main.js`. Under tsx
 * every `require` at run time went through its module hooks: @apollo/server's
 * `computeQueryHash` requires `crypto` on each request (BENCHMARKS.md, item 23).
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const buildDir = fileURLToPath(new URL('./results/tmp/build/', import.meta.url));

export async function buildServers(): Promise<string> {
  await rm(buildDir, { recursive: true, force: true });
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  await promisify(execFile)(process.execPath, [tsc, '-p', `${root}tsconfig.bench.json`, '--outDir', buildDir], { cwd: root });
  // Read at run time relative to the compiled src/, as the Dockerfile places them.
  await cp(`${root}schema.graphql`, `${buildDir}schema.graphql`);
  await cp(`${root}prisma/migrations`, `${buildDir}prisma/migrations`, { recursive: true });
  return buildDir;
}
