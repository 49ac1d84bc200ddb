/**
 * Archiving months older than the business retention (README, Runbook: archiving old months):
 *   npx tsx scripts/partition-archive.ts archive YYYY-MM FILE   detach the month, pg_dump it to FILE, drop it
 *   npx tsx scripts/partition-archive.ts restore YYYY-MM FILE   bring it back from FILE and attach it
 * Against DATABASE_URL; pg_dump and pg_restore (PostgreSQL 15) must be on PATH.
 */
import pg from 'pg';
import { archiveMonth, restoreMonth } from '../src/db/partition-archive.js';

const [command, month, file] = process.argv.slice(2);
const url = process.env.DATABASE_URL;
if (!url || !month || !file || (command !== 'archive' && command !== 'restore')) {
  console.error('usage: DATABASE_URL=… npx tsx scripts/partition-archive.ts archive|restore YYYY-MM FILE');
  process.exit(2);
}
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  if (command === 'archive') console.log(JSON.stringify(await archiveMonth(client, url, month, file)));
  else {
    await restoreMonth(client, url, month, file);
    console.log(`restored ${month} from ${file}`);
  }
} finally {
  await client.end();
}
