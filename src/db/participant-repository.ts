import type { NewParticipant, NewStatusChange, ParticipantChanges } from '../app/ports.js';
import type { ParticipantView, ReservationKey, StatusChangeView } from '../app/views.js';
import type { Participant } from './__generated__/prisma/client.js';
import { type Db, dateOf, PARTICIPANT_COLUMNS, participantData, participantView, statusChangeView, unique } from './rows.js';

/** The participants and status history tables: the party of a reservation and how its status moved. */

/** Like findReservations: a batch is joined from arrays, one statement text whatever its size. */
export async function findParticipantsOf(db: Db, keys: ReservationKey[]): Promise<ParticipantView[]> {
  if (keys.length === 0) return [];
  if (keys.length === 1) {
    const [key] = keys as [ReservationKey];
    const rows = await db.participant.findMany({
      where: { reservationId: key.id, reservationDate: dateOf(key.reservationDate) },
      orderBy: [{ position: 'asc' }, { id: 'asc' }],
    });
    return rows.map(participantView);
  }
  const byId = new Map(keys.map((key) => [key.id, key.reservationDate]));
  const rows = await db.$queryRaw<Participant[]>`
    SELECT ${PARTICIPANT_COLUMNS}
      FROM unnest(${[...byId.keys()]}::uuid[], ${[...byId.values()]}::date[]) AS k(id, reservation_date)
      JOIN reservations.participants p ON p.reservation_id = k.id AND p.reservation_date = k.reservation_date
     ORDER BY p.reservation_id, p.position, p.id`;
  return rows.map(participantView);
}

export async function findParticipants(db: Db, ids: string[]): Promise<ParticipantView[]> {
  if (ids.length === 0) return [];
  const rows = await db.participant.findMany({ where: { id: { in: unique(ids) } } });
  return rows.map(participantView);
}

export async function findStatusHistoryOf(
  db: Db,
  keys: ReservationKey[],
): Promise<(StatusChangeView & { reservationId: string })[]> {
  if (keys.length === 0) return [];
  const rows = await db.statusHistory.findMany({
    where: {
      reservationId: { in: unique(keys.map((key) => key.id)) },
      reservationDate: { in: unique(keys.map((key) => key.reservationDate)).map(dateOf) },
    },
    orderBy: [{ reservationId: 'asc' }, { rev: 'asc' }],
  });
  return rows.map(statusChangeView);
}

export async function appendStatusChange(tx: Db, key: ReservationKey, change: NewStatusChange): Promise<void> {
  await tx.statusHistory.create({
    data: {
      reservationId: key.id,
      reservationDate: dateOf(key.reservationDate),
      fromStatus: change.from,
      toStatus: change.to,
      rev: change.rev,
      reason: change.reason,
      actor: change.actor,
      changedAt: change.at,
    },
  });
}

export async function insertParticipant(tx: Db, key: ReservationKey, participant: NewParticipant, at: Date): Promise<void> {
  await tx.participant.create({ data: participantData(key, participant, at) });
}

export async function updateParticipant(tx: Db, id: string, changes: ParticipantChanges, at: Date): Promise<void> {
  await tx.participant.update({
    where: { id },
    data: {
      ...(changes.fullName !== undefined && { fullName: changes.fullName }),
      ...(changes.dateOfBirth !== undefined && { dateOfBirth: changes.dateOfBirth ? dateOf(changes.dateOfBirth) : null }),
      ...(changes.ageCategory !== undefined && { ageCategory: changes.ageCategory }),
      ...(changes.email !== undefined && { email: changes.email }),
      ...(changes.phone !== undefined && { phone: changes.phone }),
      ...(changes.insurance !== undefined && {
        insurancePlan: changes.insurance.plan,
        insurancePremiumCents: changes.insurance.premiumCents,
        insuranceCurrency: changes.insurance.currency,
        insuranceStatus: changes.insurance.status,
      }),
      updatedAt: at,
    },
  });
}

export async function deleteParticipant(tx: Db, id: string): Promise<void> {
  await tx.participant.delete({ where: { id } });
}
