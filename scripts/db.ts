/**
 * Operator commands against DATABASE_URL:
 *   npm run db:migrate                      apply pending migrations (the service also does at start)
 *   npm run db:status                       list applied and pending migrations
 *   npm run db:partitions -- [--ahead N] [--from YYYY-MM]
 *                                           create missing monthly partitions, report stray rows
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate, migrationsTableSchema, pendingMigrations } from '../src/db/migrations.js';
import { ensurePartitions } from '../src/db/partitions.js';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { ahead: { type: 'string', default: '3' }, from: { type: 'string' } },
  });
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: name the database to work on (see README, Configuration).');
    return 2;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tableSchema = migrationsTableSchema(url);
    switch (positionals[0]) {
      case 'migrate': {
        const report = await migrate(client, { tableSchema, log: (line) => console.log(line) });
        console.log(report.applied.length ? `applied ${report.applied.length} migration(s)` : 'database is up to date');
        return 0;
      }
      case 'status': {
        const pending = await pendingMigrations(client, tableSchema);
        console.log(pending.length ? `pending: ${pending.join(', ')}` : 'no pending migrations');
        return pending.length ? 1 : 0;
      }
      case 'partitions': {
        const from = values.from ? new Date(`${values.from}-01T00:00:00Z`) : undefined;
        if (from && Number.isNaN(from.getTime())) throw new Error('--from takes YYYY-MM');
        const report = await ensurePartitions(client, { monthsAhead: Number(values.ahead), ...(from ? { from } : {}) });
        console.log(JSON.stringify(report, null, 2));
        return report.failed.length || report.strays.length ? 1 : 0;
      }
      default:
        console.error('usage: tsx scripts/db.ts migrate|status|partitions [--ahead N] [--from YYYY-MM]');
        return 2;
    }
  } finally {
    await client.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
