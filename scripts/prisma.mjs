#!/usr/bin/env node
// Runs the Prisma CLI with PRISMA_SCHEMA_ENGINE_BINARY pointing at a stand-in when none is set:
// `prisma generate` needs no engine but refuses to start without one, and the engine cannot be
// downloaded everywhere this project is built. Set the variable to a real engine to use
// `prisma migrate status/deploy`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const stub = fileURLToPath(new URL('./prisma-engine-unavailable.sh', import.meta.url));
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= stub;
const result = spawnSync('prisma', process.argv.slice(2), { stdio: 'inherit', env, shell: false });
if (result.error) {
  console.error(`could not run prisma: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
