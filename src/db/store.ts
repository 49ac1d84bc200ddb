import { DatabaseError } from 'pg';
import { type Store, type Transaction, UniqueKeyTakenError } from '../app/ports.js';
import { Prisma, type PrismaClient } from './__generated__/prisma/client.js';
import { insertBooking } from './booking.js';
import { findIdempotencyKey, isPartnerReferenceTaken } from './idempotency-repository.js';
import { claimMessage, enqueue, recordMessageOutcome } from './outbox-repository.js';
import {
  appendStatusChange,
  deleteParticipant,
  findParticipantsOf,
  insertParticipant,
  updateParticipant,
} from './participant-repository.js';
import { findReservations, type SqlPool } from './reservation-reads.js';
import { findPendingHolds, recordPaymentId, updateReservationAtRev } from './reservation-repository.js';
import type { Db } from './rows.js';

/**
 * The use cases' storage ports (src/app/ports.ts) over Prisma: each method is one of the
 * repositories' queries, bound to the client or to the transaction of a unit of work. A booking's
 * own statements (idempotency check, insert, payment id) go through `pg` itself, the pool under
 * Prisma: they run for every booking, where Prisma's per-statement CPU showed (BENCHMARKS.md).
 */

export interface TransactionOptions {
  /** How long to wait for a connection to start the transaction. */
  maxWait: number;
  /** How long the transaction may run before Prisma rolls it back. */
  timeout: number;
}

export const defaultTransactionOptions: TransactionOptions = { maxWait: 10_000, timeout: 15_000 };

export function prismaStore(prisma: PrismaClient, pool: SqlPool, options: TransactionOptions = defaultTransactionOptions): Store {
  return {
    findReservations: (keys) => findReservations(prisma, keys),
    findParticipantsOf: (keys) => findParticipantsOf(prisma, keys),
    findIdempotencyKey: (scope, key) => findIdempotencyKey(pool, scope, key),
    isPartnerReferenceTaken: (partnerId, reference) => isPartnerReferenceTaken(prisma, partnerId, reference),
    findPendingHolds: (query) => findPendingHolds(prisma, query),
    recordPaymentId: (key, paymentId) => recordPaymentId(pool, key, paymentId),
    transaction: (work) => uniqueKeysChecked(() => prisma.$transaction((tx) => work(transactionOf(tx)), options)),
    insertBooking: (booking) => uniqueKeysChecked(() => insertBooking(pool, booking)),
  };
}

/** A unique constraint refused a row (idempotency key, partner reference, confirmation code). */
async function uniqueKeysChecked<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    // P2002 from the query builder; a raw statement reports PostgreSQL's own code, 23505, as does
    // a statement sent through pg (its DatabaseError).
    const taken =
      error instanceof Prisma.PrismaClientKnownRequestError
        ? error.code === 'P2002' || rawCode(error) === '23505'
        : error instanceof DatabaseError && error.code === '23505';
    if (taken) throw new UniqueKeyTakenError((error as Error).message, { cause: error });
    throw error;
  }
}

function rawCode(error: Prisma.PrismaClientKnownRequestError): unknown {
  const meta = error.meta as { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined;
  return meta?.code ?? meta?.driverAdapterError?.cause?.originalCode;
}

function transactionOf(tx: Db): Transaction {
  return {
    findReservations: (keys) => findReservations(tx, keys),
    findParticipantsOf: (keys) => findParticipantsOf(tx, keys),
    updateReservationAtRev: (key, expectedRev, changes, at) => updateReservationAtRev(tx, key, expectedRev, changes, at),
    appendStatusChange: (key, change) => appendStatusChange(tx, key, change),
    insertParticipant: (key, participant, at) => insertParticipant(tx, key, participant, at),
    updateParticipant: (id, changes, at) => updateParticipant(tx, id, changes, at),
    deleteParticipant: (id) => deleteParticipant(tx, id),
    enqueue: (entries) => enqueue(tx, entries),
    claimMessage: (messageId, topic) => claimMessage(tx, messageId, topic),
    recordMessageOutcome: (messageId, outcome) => recordMessageOutcome(tx, messageId, outcome),
  };
}
