import { beforeEach, describe, expect, it } from 'vitest';
import { createReservation } from '../../../src/app/create-reservation.js';
import type { AppDeps } from '../../../src/app/deps.js';
import { UniqueKeyTakenError } from '../../../src/app/ports.js';
import { settlePayment } from '../../../src/app/settle-payment.js';
import { transitionReservation } from '../../../src/app/transitions.js';
import { IdempotencyKeyReusedError, StaleRevisionError } from '../../../src/domain/index.js';
import { aCreateInput, seededRandom } from '../domain/factories.js';
import { MemoryStore } from './memory-store.js';

/** The use cases against the storage ports in memory: what they write, and what they leave alone. */

const staff = { kind: 'staff', id: 'anna' } as const;
let store: MemoryStore;
let deps: AppDeps;

beforeEach(() => {
  store = new MemoryStore();
  deps = { store, clock: () => new Date('2026-11-25T10:00:00Z'), random: seededRandom(7), outbound: null };
});

const book = (idempotencyKey?: string, input = aCreateInput()) =>
  createReservation(deps, { input, actor: staff, idempotencyKey: idempotencyKey ?? null });

describe('createReservation', () => {
  it('writes a PENDING reservation with its party, first history row and status event in one unit of work', async () => {
    const created = await book();
    expect(created).toMatchObject({ status: 'PENDING', rev: 1, partySize: 1, reservationDate: '2026-11-25' });
    expect(await store.findParticipantsOf([created])).toHaveLength(1);
    expect(store.state.history).toEqual([expect.objectContaining({ from: null, to: 'PENDING', actor: 'staff:anna' })]);
    expect(store.state.outbox.map((entry) => entry.type)).toEqual(['reservation.status_changed']);
  });

  it('returns the same reservation for a retry with the same key, and refuses the key for another request', async () => {
    const first = await book('retry-key-0001');
    const again = await book('retry-key-0001');
    expect(again.id).toBe(first.id);
    expect(store.state.reservations.size).toBe(1);
    await expect(book('retry-key-0001', aCreateInput({ notes: 'different' }))).rejects.toThrow(IdempotencyKeyReusedError);
    expect(store.state.reservations.size).toBe(1);
  });

  it('tries again when a unique key was taken meanwhile, and gives up after five attempts', async () => {
    let refusals = 1;
    store.beforeTransaction = () => {
      if (refusals-- > 0) throw new UniqueKeyTakenError('confirmation code taken');
    };
    await expect(book()).resolves.toMatchObject({ status: 'PENDING' });

    refusals = 5;
    await expect(book()).rejects.toThrow(UniqueKeyTakenError);
    expect(store.state.reservations.size).toBe(1);
  });
});

describe('transitionReservation', () => {
  it('refuses a stale revision and writes nothing', async () => {
    const created = await book();
    const outboxBefore = store.state.outbox.length;
    await expect(transitionReservation(deps, 'confirm', { id: created.id, expectedRev: 2, actor: staff })).rejects.toBeInstanceOf(
      StaleRevisionError,
    );
    expect((await store.findReservations([created]))[0]).toMatchObject({ status: 'PENDING', rev: 1 });
    expect(store.state.outbox).toHaveLength(outboxBefore);
  });

  it('confirms with its history row, the status events and the booking confirmation', async () => {
    const created = await book();
    const confirmed = await transitionReservation(deps, 'confirm', { id: created.id, expectedRev: 1, actor: staff });
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', rev: 2 });
    expect(store.state.history.map((row) => row.to)).toEqual(['PENDING', 'CONFIRMED']);
    expect(store.state.outbox.map((entry) => entry.type)).toEqual([
      'reservation.status_changed',
      'reservation.status_changed',
      'notification.status_update',
      'reservation.created',
      'notification.booking_confirmation',
    ]);
  });
});

describe('settlePayment', () => {
  const deposit = { paymentId: 'pay-1', kind: 'DEPOSIT', status: 'SUCCEEDED' } as const;

  it('settles the deposit and confirms a PENDING reservation once, whatever the redeliveries', async () => {
    const created = await book();
    const notice = { messageId: 'evt-1', topic: 'payments', reservation: created, payment: deposit };
    expect(await settlePayment(deps, notice)).toEqual({ kind: 'confirmed' });
    expect(await settlePayment(deps, notice)).toEqual({ kind: 'duplicate' });
    expect((await store.findReservations([created]))[0]).toMatchObject({
      status: 'CONFIRMED',
      depositStatus: 'SETTLED',
      paymentId: 'pay-1',
      rev: 2,
    });
    expect(store.state.inbox.get('evt-1')).toBe('confirmed');
  });

  it('dead-letters a payment of an unknown reservation and leaves no inbox row, so a replay is handled for real', async () => {
    const unknown = { id: '0190a6e2-7c3b-7d4e-8f10-00000000dead', reservationDate: '2024-07-01' };
    const outcome = await settlePayment(deps, { messageId: 'evt-2', topic: 'payments', reservation: unknown, payment: deposit });
    expect(outcome).toEqual({ kind: 'dead-letter', reason: `unknown reservation ${unknown.id}` });
    expect(store.state.inbox.has('evt-2')).toBe(false);
  });
});
