/**
 * `npm run dlq:replay -- [--dry-run] [--limit N]`: handles the dead letters of payment.processed
 * again (the dead_letters table of DATABASE_URL, then the dead-letter topic of KAFKA_BROKERS),
 * each once, up to the end taken at start, and says what each became. See README, Runbook.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createPool, createPrisma } from '../src/db/pool.js';
import { prismaStore } from '../src/db/store.js';
import { DeadLetterReplay } from '../src/events/dlq-replay.js';
import { createKafka } from '../src/events/kafka.js';
import { createLogger } from '../src/observability/logger.js';

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, limit: { type: 'string' } } });
const config = loadConfig();
const databaseUrl = config.database.url;
if (config.kafka.brokers.length === 0 || !databaseUrl) {
  console.error(
    'Set KAFKA_BROKERS and DATABASE_URL to the cluster and database of the service whose dead letters to replay ' +
      `(the embedded default: postgresql://postgres:embedded@127.0.0.1:${config.database.embedded.port}/reservations).`,
  );
  process.exit(2);
}
const limit = values.limit === undefined ? undefined : Number(values.limit);
if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
  console.error('--limit must be a positive whole number');
  process.exit(2);
}
const logger = createLogger('warn');
const pool = createPool(databaseUrl, 2, logger);
const prisma = createPrisma(pool, logger);
const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'svc-reservations-dlq-replay' }, logger);
const deps = {
  store: prismaStore(prisma, pool),
  db: prisma,
  clock: () => new Date(),
  random: (bytes: number) => randomBytes(bytes),
  outbound: null,
};
try {
  const dryRun = values['dry-run'];
  const letters = await new DeadLetterReplay(kafka, deps, logger, { dryRun, ...(limit && { limit }) }).run();
  for (const letter of letters) {
    const what = dryRun ? 'would replay' : letter.result;
    console.log(
      `${what} ${letter.ceId ?? '(no ce_id)'} from the ${letter.from} (${letter.reason})${letter.detail ? `: ${letter.detail}` : ''}`,
    );
  }
  const count = (result: string) => letters.filter((letter) => letter.result === result).length;
  console.log(
    dryRun
      ? `${letters.length} dead letter(s) to replay`
      : `${letters.length} replayed: ${count('handled')} handled, ${count('returned')} returned to the dead letters`,
  );
} finally {
  await prisma.$disconnect();
  await pool.end();
}
