import type { OutboxEntry as OutboxRow } from '../app/outbox-entries.js';
import type {
  ErasurePlan,
  ErasureRecord,
  ErasureSnapshot,
  PersonalDataExport,
  PersonalDataStore,
  ReservationErasure,
} from '../app/ports/personal-data-store.js';
import type { ReservationKey } from '../app/views.js';
import type { AgeCategory } from '../domain/index.js';
import type { Prisma, PrismaClient } from './__generated__/prisma/client.js';
import { dateOf, isoOf, participantView, reservationView } from './rows.js';

/**
 * The SQL of personal-data erasure, export and retention (the PersonalDataStore port). Every
 * erasure is one short transaction on one reservation: the retention job and a guest's erasure
 * never hold locks across reservations.
 */

/** Builds the event announcing one erasure (so downstream copies go too). */
export type AnnounceErasure = (erasure: ReservationErasure & ErasureRecord) => OutboxRow;

type Tx = Prisma.TransactionClient;

export class PrismaPersonalDataStore implements PersonalDataStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly announce: AnnounceErasure,
    private readonly transactionOptions: { maxWait: number; timeout: number },
  ) {}

  async reservationsOfGuest(guestId: string): Promise<ReservationKey[]> {
    const rows = await this.prisma.$queryRaw<{ id: string; reservation_date: Date }[]>`
      SELECT id, reservation_date FROM reservations.reservations WHERE guest_id = ${guestId}::uuid
      UNION
      SELECT reservation_id, reservation_date FROM reservations.participants WHERE guest_id = ${guestId}::uuid
      ORDER BY reservation_date, id`;
    return rows.map((row) => ({ id: row.id, reservationDate: isoOf(row.reservation_date) }));
  }

  eraseReservation(
    key: ReservationKey,
    record: ErasureRecord,
    plan: (snapshot: ErasureSnapshot) => ErasurePlan | null,
  ): Promise<ReservationErasure | null> {
    return this.prisma.$transaction(async (tx) => {
      const snapshot = await lockedSnapshot(tx, key);
      const decided = snapshot && plan(snapshot);
      if (!snapshot || !decided) return null;
      const reasonsCleared = decided.scope === 'reservation' ? await clearReasons(tx, key) : 0;
      const rev = await applyPlan(tx, key, decided, record.at);
      const erasure: ReservationErasure = {
        ...key,
        scope: decided.scope,
        rev,
        participantsTouched: decided.participantsTouched,
        fieldsCleared: decided.fieldsCleared + reasonsCleared,
      };
      if (decided.scope === 'reservation') await scrubOutbox(tx, key.id);
      await tx.personalDataErasure.create({
        data: {
          reservationId: key.id,
          reservationDate: dateOf(key.reservationDate),
          guestId: record.guestId,
          scope: erasure.scope,
          rev,
          fieldsCleared: erasure.fieldsCleared,
          actor: record.actor.slice(0, 200),
          reason: record.reason,
          erasedAt: record.at,
        },
      });
      const event = this.announce({ ...erasure, ...record });
      await tx.outboxMessage.create({
        data: { ...event, aggregateType: 'reservation', payload: event.payload as Prisma.InputJsonObject },
      });
      return erasure;
    }, this.transactionOptions);
  }

  async reservationsPastRetention(cutoff: string, limit: number): Promise<ReservationKey[]> {
    // The partial index on trip_date (personal data not yet erased) serves this.
    const rows = await this.prisma.$queryRaw<{ id: string; reservation_date: Date }[]>`
      SELECT id, reservation_date FROM reservations.reservations
       WHERE personal_data_erased_at IS NULL AND trip_date <= ${cutoff}::date
       ORDER BY trip_date, id LIMIT ${limit}`;
    return rows.map((row) => ({ id: row.id, reservationDate: isoOf(row.reservation_date) }));
  }

  async exportOf(guestId: string): Promise<PersonalDataExport> {
    const booked = await this.prisma.reservation.findMany({
      where: { guestId },
      include: { participants: { orderBy: { position: 'asc' } }, statusHistory: { orderBy: { rev: 'asc' } } },
      orderBy: [{ tripDate: 'asc' }, { id: 'asc' }],
    });
    const bookedIds = booked.map((row) => row.id);
    const participations = await this.prisma.participant.findMany({
      where: { guestId, reservationId: { notIn: bookedIds } },
      include: { reservation: { select: { tripId: true, tripDate: true, status: true, confirmationCode: true } } },
      orderBy: { reservationDate: 'asc' },
    });
    const events = await this.prisma.outboxMessage.findMany({
      where: { kind: 'event', aggregateId: { in: bookedIds } },
      orderBy: { seq: 'asc' },
    });
    const erasures = await this.prisma.personalDataErasure.findMany({
      where: { OR: [{ guestId }, { reservationId: { in: bookedIds } }] },
      orderBy: { id: 'asc' },
    });
    return {
      guestId,
      reservations: booked.map(({ participants, statusHistory, ...row }) => ({
        ...withoutPartnerId(reservationView(row)),
        personalDataErasedAt: row.personalDataErasedAt,
        participants: participants.map(participantView),
        statusHistory: statusHistory.map((change) => ({
          from: change.fromStatus,
          to: change.toStatus,
          reason: change.reason,
          actor: change.actor,
          at: change.changedAt,
          rev: change.rev,
        })),
      })),
      participations: participations.map(({ reservation, ...row }) => ({
        ...participantView(row),
        reservation: { ...reservation, tripDate: isoOf(reservation.tripDate) },
      })),
      events: events.map((event) => ({
        id: event.id,
        type: event.type,
        topic: event.destination,
        payload: event.payload,
        createdAt: event.createdAt,
        publishedAt: event.publishedAt,
      })),
      erasures: erasures.map((erasure) => ({
        reservationId: erasure.reservationId,
        scope: erasure.scope,
        rev: erasure.rev,
        fieldsCleared: erasure.fieldsCleared,
        actor: erasure.actor,
        reason: erasure.reason,
        erasedAt: erasure.erasedAt,
      })),
    };
  }

  async wasHandled(eventId: string): Promise<boolean> {
    return (await this.prisma.processedMessage.count({ where: { messageId: eventId } })) > 0;
  }

  async markHandled(eventId: string, topic: string, outcome: string): Promise<void> {
    await this.prisma.processedMessage.createMany({
      data: [{ messageId: eventId, topic: topic.slice(0, 255), outcome: outcome.slice(0, 32) }],
      skipDuplicates: true,
    });
  }
}

/** The partner's internal id is not the guest's data. */
function withoutPartnerId<T extends { partnerId: unknown }>(view: T): Omit<T, 'partnerId'> {
  const { partnerId: _partnerId, ...rest } = view;
  return rest;
}

async function lockedSnapshot(tx: Tx, key: ReservationKey): Promise<ErasureSnapshot | null> {
  // FOR UPDATE: a concurrent change of this reservation waits, then sees the new _rev.
  const [row] = await tx.$queryRaw<
    {
      guest_id: string;
      trip_date: Date;
      contact_email: string;
      contact_phone: string | null;
      notes: string | null;
      erased: boolean;
    }[]
  >`SELECT guest_id, trip_date, contact_email, contact_phone, notes, personal_data_erased_at IS NOT NULL AS erased
      FROM reservations.reservations
     WHERE id = ${key.id}::uuid AND reservation_date = ${key.reservationDate}::date FOR UPDATE`;
  if (!row) return null;
  const participants = await tx.participant.findMany({
    where: { reservationId: key.id, reservationDate: dateOf(key.reservationDate) },
    orderBy: { position: 'asc' },
  });
  const reasonsHeld = await tx.statusHistory.count({
    where: { reservationId: key.id, reservationDate: dateOf(key.reservationDate), reason: { not: null } },
  });
  const [outbox] = await tx.$queryRaw<{ held: number }[]>`
    SELECT count(*)::int AS held FROM reservations.outbox
     WHERE aggregate_id = ${key.id}::uuid
       AND (kind = 'notification' OR (type = 'reservation.status_changed' AND payload->>'reason' IS NOT NULL))`;
  return {
    ...key,
    guestId: row.guest_id,
    tripDate: isoOf(row.trip_date),
    erased: row.erased,
    reservation: { contactEmail: row.contact_email, contactPhone: row.contact_phone, notes: row.notes },
    participants: participants.map((p) => ({
      id: p.id,
      guestId: p.guestId,
      fullName: p.fullName,
      dateOfBirth: p.dateOfBirth ? isoOf(p.dateOfBirth) : null,
      ageCategory: p.ageCategory as AgeCategory | null,
      email: p.email,
      phone: p.phone,
    })),
    reasonsHeld,
    outboxRowsHeld: outbox?.held ?? 0,
  };
}

async function clearReasons(tx: Tx, key: ReservationKey): Promise<number> {
  const { count } = await tx.statusHistory.updateMany({
    where: { reservationId: key.id, reservationDate: dateOf(key.reservationDate), reason: { not: null } },
    data: { reason: null },
  });
  return count;
}

/** Writes the plan and bumps `_rev` (the erasure changes what the reservation owns); returns the new rev. */
async function applyPlan(tx: Tx, key: ReservationKey, plan: ErasurePlan, at: Date): Promise<number> {
  for (const { id, erased } of plan.participants) {
    await tx.participant.update({
      where: { id },
      data: {
        fullName: erased.fullName,
        dateOfBirth: erased.dateOfBirth ? dateOf(erased.dateOfBirth) : null,
        ageCategory: erased.ageCategory,
        email: erased.email,
        phone: erased.phone,
        updatedAt: at,
      },
    });
  }
  const updated = await tx.reservation.update({
    where: { id_reservationDate: { id: key.id, reservationDate: dateOf(key.reservationDate) } },
    data: {
      ...(plan.reservation && { ...plan.reservation, personalDataErasedAt: at }),
      rev: { increment: 1 },
      updatedAt: at,
    },
    select: { rev: true },
  });
  return updated.rev;
}

/**
 * Notifications hold the contact e-mail: those not sent yet will never be (nobody is left to send
 * them to), sent ones are kept no longer. Status events still to be published lose their reason
 * but are published, so consumers keep the transitions in order.
 */
async function scrubOutbox(tx: Tx, reservationId: string): Promise<void> {
  await tx.$executeRaw`DELETE FROM reservations.outbox WHERE aggregate_id = ${reservationId}::uuid AND kind = 'notification'`;
  await tx.$executeRaw`
    UPDATE reservations.outbox SET payload = jsonb_set(payload, '{reason}', 'null'::jsonb)
     WHERE aggregate_id = ${reservationId}::uuid AND type = 'reservation.status_changed'
       AND payload->>'reason' IS NOT NULL`;
}
