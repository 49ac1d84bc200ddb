import type { OutboxEntry } from '../../../src/app/outbox-entries.js';
import {
  type NewBooking,
  type NewParticipant,
  type Store,
  type StoredIdempotencyKey,
  type Transaction,
  UniqueKeyTakenError,
} from '../../../src/app/ports.js';
import type { ParticipantView, ReservationKey, ReservationView, StatusChangeView } from '../../../src/app/views.js';

/**
 * The storage ports in memory, for unit tests of the use cases. A transaction works on a copy of
 * the state and swaps it in on success, so a use case that throws leaves nothing behind, as with
 * PostgreSQL. Unique keys are checked like the database's constraints.
 */

interface State {
  reservations: Map<string, ReservationView>;
  participants: Map<string, ParticipantView>;
  history: (StatusChangeView & { reservationId: string })[];
  idempotency: Map<string, StoredIdempotencyKey>;
  partnerReferences: Map<string, ReservationKey>;
  outbox: OutboxEntry[];
  inbox: Map<string, string>;
}

const emptyState = (): State => ({
  reservations: new Map(),
  participants: new Map(),
  history: [],
  idempotency: new Map(),
  partnerReferences: new Map(),
  outbox: [],
  inbox: new Map(),
});

function copy(state: State): State {
  return {
    reservations: new Map([...state.reservations].map(([id, row]) => [id, { ...row }])),
    participants: new Map([...state.participants].map(([id, row]) => [id, { ...row }])),
    history: [...state.history],
    idempotency: new Map(state.idempotency),
    partnerReferences: new Map(state.partnerReferences),
    outbox: [...state.outbox],
    inbox: new Map(state.inbox),
  };
}

function participantView(key: ReservationKey, participant: NewParticipant): ParticipantView {
  const { insurance, ...details } = participant;
  return {
    ...details,
    reservationId: key.id,
    reservationDate: key.reservationDate,
    insurance: insurance && { ...insurance, status: 'ACTIVE' },
  };
}

function reads(state: () => State) {
  return {
    findReservations: async (keys: ReservationKey[]) =>
      keys.flatMap((key) => {
        const row = state().reservations.get(key.id);
        return row && row.reservationDate === key.reservationDate ? [{ ...row }] : [];
      }),
    findParticipantsOf: async (keys: ReservationKey[]) =>
      [...state().participants.values()]
        .filter((participant) => keys.some((key) => key.id === participant.reservationId))
        .sort((a, b) => a.position - b.position),
  };
}

function transactionOver(state: State): Transaction {
  return {
    ...reads(() => state),
    updateReservationAtRev: async (key, expectedRev, changes, at) => {
      const row = state.reservations.get(key.id);
      if (!row || row.rev !== expectedRev) return null;
      const { depositSettledAt: _settledAt, ...fields } = changes;
      const updated = { ...row, ...fields, rev: row.rev + 1, updatedAt: at };
      state.reservations.set(key.id, updated);
      return { ...updated };
    },
    appendStatusChange: async (key, change) => {
      state.history.push({ ...change, reservationId: key.id });
    },
    insertParticipant: async (key, participant) => {
      state.participants.set(participant.id, participantView(key, participant));
    },
    updateParticipant: async (id, changes) => {
      const row = state.participants.get(id);
      if (row) state.participants.set(id, { ...row, ...changes });
    },
    deleteParticipant: async (id) => {
      state.participants.delete(id);
    },
    enqueue: async (entries) => {
      state.outbox.push(...entries);
    },
    claimMessage: async (messageId) => {
      if (state.inbox.has(messageId)) return false;
      state.inbox.set(messageId, 'processing');
      return true;
    },
    recordMessageOutcome: async (messageId, outcome) => {
      state.inbox.set(messageId, outcome);
    },
  };
}

export class MemoryStore implements Store {
  state: State = emptyState();
  /** Called at the start of every transaction; a test can make one fail or change state meanwhile. */
  beforeTransaction: (() => void) | null = null;

  findReservations = (keys: ReservationKey[]) => reads(() => this.state).findReservations(keys);
  findParticipantsOf = (keys: ReservationKey[]) => reads(() => this.state).findParticipantsOf(keys);

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    this.beforeTransaction?.();
    const draft = copy(this.state);
    const result = await work(transactionOver(draft));
    this.state = draft;
    return result;
  }

  /** Checked like the database's unique constraints; all or nothing, like the one statement. */
  async insertBooking({ reservation, participants, history, idempotency, outbox }: NewBooking): Promise<ReservationView> {
    this.beforeTransaction?.();
    const draft = copy(this.state);
    if ([...draft.reservations.values()].some((row) => row.confirmationCode === reservation.confirmationCode)) {
      throw new UniqueKeyTakenError('confirmation code taken');
    }
    const key = { id: reservation.id, reservationDate: reservation.reservationDate };
    const row: ReservationView = {
      ...reservation,
      partySize: participants.length,
      rev: 1,
      depositStatus: 'PENDING',
      paymentId: null,
      updatedAt: reservation.createdAt,
    };
    draft.reservations.set(row.id, row);
    for (const participant of participants) draft.participants.set(participant.id, participantView(row, participant));
    draft.history.push({ ...history, reservationId: row.id });
    if (idempotency) {
      const name = `${idempotency.scope}/${idempotency.key}`;
      if (draft.idempotency.has(name)) throw new UniqueKeyTakenError('idempotency key taken');
      draft.idempotency.set(name, { ...idempotency, reservation: key });
    }
    if (reservation.partnerId && reservation.partnerReference) {
      const name = `${reservation.partnerId}/${reservation.partnerReference}`;
      if (draft.partnerReferences.has(name)) throw new UniqueKeyTakenError('partner reference taken');
      draft.partnerReferences.set(name, key);
    }
    draft.outbox.push(...outbox);
    this.state = draft;
    return { ...row };
  }

  async findIdempotencyKey(scope: string, key: string): Promise<StoredIdempotencyKey | null> {
    return this.state.idempotency.get(`${scope}/${key}`) ?? null;
  }

  async isPartnerReferenceTaken(partnerId: string, reference: string): Promise<boolean> {
    return this.state.partnerReferences.has(`${partnerId}/${reference}`);
  }

  async findPendingHolds(options: { createdBefore: Date; withoutPayment?: boolean; limit: number }) {
    return [...this.state.reservations.values()]
      .filter((row) => row.status === 'PENDING' && row.createdAt < options.createdBefore)
      .filter((row) => !options.withoutPayment || (row.paymentId === null && row.depositStatus === 'PENDING'))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, options.limit);
  }

  async recordPaymentId(key: ReservationKey, paymentId: string): Promise<ReservationView | null> {
    const row = this.state.reservations.get(key.id);
    if (!row || row.paymentId !== null) return null;
    const updated = { ...row, paymentId };
    this.state.reservations.set(key.id, updated);
    return { ...updated };
  }
}
