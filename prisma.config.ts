import { defineConfig } from 'prisma/config';

// The connection URL is read here for the Prisma CLI only (`migrate status/deploy` where the
// schema engine is available). The service itself connects through @prisma/adapter-pg and applies
// migrations with its own runner (src/db/migrations.ts, docs/adr/0001-own-migration-runner.md).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/reservations' },
});
