import type {
  DepositStatus,
  InsuranceStatus,
  ParticipantDetails,
  ParticipantDetailsChanges,
  ReservationStatus,
} from '../domain/index.js';
import type { OutboxEntry } from './outbox-entries.js';
import type { ParticipantView, ReservationKey, ReservationView } from './views.js';

/**
 * What the use cases need of storage, said in their own words. src/db implements these ports
 * with Prisma and PostgreSQL (src/db/store.ts); test/unit/app implements them in memory. Nothing
 * here names an ORM, a driver or SQL.
 */

/** Reads of the reservation aggregate: inside a transaction or outside one. */
export interface ReservationReads {
  /** By storage key (id + booking date), any number in one go; missing keys are left out. */
  findReservations(keys: ReservationKey[]): Promise<ReservationView[]>;
  /** The parties of these reservations, each in position order. */
  findParticipantsOf(keys: ReservationKey[]): Promise<ParticipantView[]>;
}

/** Everything one unit of work may read and write; it commits or rolls back as a whole. */
export interface Transaction extends ReservationReads {
  /**
   * `_rev + 1` conditional on `expectedRev` in the write itself: of any number of concurrent
   * writers holding the same revision, exactly one wins; the others get null.
   */
  updateReservationAtRev(
    key: ReservationKey,
    expectedRev: number,
    changes: ReservationChanges,
    at: Date,
  ): Promise<ReservationView | null>;
  appendStatusChange(key: ReservationKey, change: NewStatusChange): Promise<void>;
  insertParticipant(key: ReservationKey, participant: NewParticipant, at: Date): Promise<void>;
  updateParticipant(id: string, changes: ParticipantChanges, at: Date): Promise<void>;
  deleteParticipant(id: string): Promise<void>;
  /** The outbox: what the change promises, delivered by the relay after commit. */
  enqueue(entries: OutboxEntry[]): Promise<void>;
  /**
   * The inbox: claims a consumed message id for this transaction; false when it was claimed
   * before (a redelivery). A concurrent claim of the same id waits for this one to end.
   */
  claimMessage(messageId: string, topic: string): Promise<boolean>;
  recordMessageOutcome(messageId: string, outcome: string): Promise<void>;
}

/** The storage of the service: reads, a few single-statement writes, and units of work. */
export interface Store extends ReservationReads {
  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * A new booking, all of it or nothing, in one write: the reservation (`_rev` 1, deposit
   * PENDING), its participants, its first history row, the idempotency key (unique per scope and
   * key), the partner reference when the reservation names one (unique per partner) and the
   * outbox entries. A taken unique key (those two, a confirmation code) throws UniqueKeyTakenError.
   */
  insertBooking(booking: NewBooking): Promise<ReservationView>;
  findIdempotencyKey(scope: string, key: string): Promise<StoredIdempotencyKey | null>;
  isPartnerReferenceTaken(partnerId: string, partnerReference: string): Promise<boolean>;
  /**
   * PENDING reservations created before `createdBefore` (oldest first), looking back
   * `lookbackDays` of booking dates only.
   */
  findPendingHolds(options: {
    createdBefore: Date;
    lookbackDays: number;
    withoutPayment?: boolean;
    limit: number;
  }): Promise<ReservationView[]>;
  /**
   * Records the payment of a booking that has none yet; leaves `_rev` alone (bookkeeping). The
   * reservation as written, or null when it had a payment already.
   */
  recordPaymentId(key: ReservationKey, paymentId: string): Promise<ReservationView | null>;
}

/** A unique key (idempotency key, partner reference, confirmation code) was taken meanwhile. */
export class UniqueKeyTakenError extends Error {
  override name = 'UniqueKeyTakenError';
}

export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
}

export interface StoredIdempotencyKey extends IdempotencyRecord {
  reservation: ReservationKey;
}

export interface NewReservation extends ReservationKey {
  confirmationCode: string;
  status: ReservationStatus;
  guestId: string;
  tripId: string;
  tripDate: string;
  contactEmail: string;
  contactPhone: string | null;
  notes: string | null;
  partnerId: string | null;
  partnerReference: string | null;
  createdAt: Date;
}

/** A validated participant (the domain's ParticipantDetails) with its id and place. */
export interface NewParticipant extends ParticipantDetails {
  id: string;
  /** Place in the party, from 0; the party is listed in this order. */
  position: number;
}

export interface NewBooking {
  reservation: NewReservation;
  participants: NewParticipant[];
  history: NewStatusChange;
  idempotency: IdempotencyRecord | null;
  outbox: OutboxEntry[];
}

export interface NewStatusChange {
  from: ReservationStatus | null;
  to: ReservationStatus;
  rev: number;
  reason: string | null;
  actor: string;
  at: Date;
}

export interface ReservationChanges {
  status?: ReservationStatus;
  tripDate?: string;
  notes?: string | null;
  contactEmail?: string;
  contactPhone?: string | null;
  partySize?: number;
  depositStatus?: DepositStatus;
  paymentId?: string;
  depositSettledAt?: Date;
}

export interface ParticipantChanges extends ParticipantDetailsChanges {
  insurance?: { plan: string; premiumCents: number; currency: string; status: InsuranceStatus };
}
