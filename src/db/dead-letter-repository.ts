import type { Db } from './rows.js';

/**
 * The `dead_letters` table: dead letters kept as raw bytes when the dead-letter topic cannot take
 * them (too large, or unreachable). Rows are replayed once each by `npm run dlq:replay`.
 */

export interface DeadLetterRecord {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Every header in order, repeated names included, as raw bytes. */
  headers: [name: string, value: Buffer][];
  ceId: string | null;
  reason: string;
}

export interface StoredDeadLetter extends DeadLetterRecord {
  id: bigint;
}

const base64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64');
const bytesOf = (text: string): Buffer => Buffer.from(text, 'base64');
// jsonb cannot hold NUL, and a header (name or value) may be any bytes: both are kept in base64.
const encodeHeaders = (headers: DeadLetterRecord['headers']) => headers.map(([name, value]) => [base64(name), base64(value)]);
function decodeHeaders(json: unknown): DeadLetterRecord['headers'] {
  if (!Array.isArray(json)) return [];
  return json.map((pair) => {
    const [name, value] = pair as [string, string];
    return [bytesOf(name).toString('utf8'), bytesOf(value)];
  });
}

/** Durable once this resolves: the caller may then commit the message's offset. */
export async function storeDeadLetter(db: Db, record: DeadLetterRecord): Promise<bigint> {
  const row = await db.deadLetter.create({
    data: {
      sourceTopic: record.sourceTopic.slice(0, 255),
      sourcePartition: record.sourcePartition,
      sourceOffset: BigInt(record.sourceOffset),
      messageKey: record.key ? new Uint8Array(record.key) : null,
      messageValue: record.value ? new Uint8Array(record.value) : null,
      headers: encodeHeaders(record.headers),
      ceId: record.ceId?.slice(0, 128) ?? null,
      reason: record.reason.replaceAll('\u0000', '').slice(0, 1000),
    },
    select: { id: true },
  });
  return row.id;
}

/** The newest row now: a replay run handles rows up to it, not those written while it runs. */
export async function lastDeadLetterId(db: Db): Promise<bigint> {
  const row = await db.deadLetter.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
  return row?.id ?? 0n;
}

/** Rows of one source topic not replayed yet with `afterId < id <= upToId`, oldest first. */
export async function pendingDeadLetters(
  db: Db,
  range: { sourceTopic: string; afterId: bigint; upToId: bigint; limit: number },
): Promise<StoredDeadLetter[]> {
  const rows = await db.deadLetter.findMany({
    where: { replayedAt: null, sourceTopic: range.sourceTopic, id: { gt: range.afterId, lte: range.upToId } },
    orderBy: { id: 'asc' },
    take: range.limit,
  });
  return rows.map((row) => ({
    id: row.id,
    sourceTopic: row.sourceTopic,
    sourcePartition: row.sourcePartition,
    sourceOffset: row.sourceOffset.toString(),
    key: row.messageKey ? Buffer.from(row.messageKey) : null,
    value: row.messageValue ? Buffer.from(row.messageValue) : null,
    headers: decodeHeaders(row.headers),
    ceId: row.ceId,
    reason: row.reason,
  }));
}

export async function markDeadLetterReplayed(db: Db, id: bigint, outcome: string): Promise<void> {
  await db.deadLetter.update({ where: { id }, data: { replayedAt: new Date(), replayOutcome: outcome.slice(0, 1000) } });
}

/** Whether the database answers at all: tells an outage from a message that fails by itself. */
export async function databaseAnswers(db: Db): Promise<boolean> {
  try {
    await db.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
