import type {
  GuestRef,
  Page,
  ParticipantView,
  ReservationKey,
  ReservationStatus,
  ReservationView,
  StatusChangeView,
} from '../app/views.js';
import type { Participant, Reservation, StatusHistory } from './__generated__/prisma/client.js';
import { Prisma, type PrismaClient } from './__generated__/prisma/client.js';

/**
 * Every query of the reservation aggregate. Reads by id always name the booking date too, so
 * PostgreSQL prunes to one monthly partition; writes that change an existing reservation are
 * conditional on its `_rev` in the UPDATE itself.
 */

export type Db = PrismaClient | Prisma.TransactionClient;

export const dateOf = (iso: string): Date => new Date(`${iso}T00:00:00.000Z`);
export const isoOf = (date: Date): string => date.toISOString().slice(0, 10);
const unique = <T>(values: T[]): T[] => [...new Set(values)];

export function reservationView(row: Reservation): ReservationView {
  return {
    id: row.id,
    reservationDate: isoOf(row.reservationDate),
    confirmationCode: row.confirmationCode,
    status: row.status,
    guestId: row.guestId,
    tripId: row.tripId,
    tripDate: isoOf(row.tripDate),
    partySize: row.partySize,
    contactEmail: row.contactEmail,
    contactPhone: row.contactPhone,
    notes: row.notes,
    partnerId: row.partnerId,
    partnerReference: row.partnerReference,
    rev: row.rev,
    depositStatus: row.depositStatus,
    paymentId: row.paymentId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function participantView(row: Participant): ParticipantView {
  return {
    id: row.id,
    reservationId: row.reservationId,
    reservationDate: isoOf(row.reservationDate),
    guestId: row.guestId,
    position: row.position,
    fullName: row.fullName,
    dateOfBirth: row.dateOfBirth ? isoOf(row.dateOfBirth) : null,
    ageCategory: row.ageCategory,
    email: row.email,
    phone: row.phone,
    insurance:
      row.insuranceStatus && row.insurancePlan && row.insuranceCurrency && row.insurancePremiumCents !== null
        ? {
            plan: row.insurancePlan,
            premiumCents: row.insurancePremiumCents,
            currency: row.insuranceCurrency,
            status: row.insuranceStatus,
          }
        : null,
  };
}

function statusChangeView(row: StatusHistory): StatusChangeView & { reservationId: string } {
  return {
    reservationId: row.reservationId,
    from: row.fromStatus,
    to: row.toStatus,
    reason: row.reason,
    actor: row.actor,
    at: row.changedAt,
    rev: row.rev,
  };
}

/**
 * One statement for any number of keys. One key: the booking date lets the planner prune to its
 * partition. A batch (a gateway's `_entities`): pairs joined from arrays, a text that does not
 * change with the batch size, so its prepared plan is reused; `IN` lists of ids and dates were
 * planned anew over every partition they named (13 ms for 100 ids, BENCHMARKS.md).
 */
export async function findReservations(db: Db, keys: ReservationKey[]): Promise<ReservationView[]> {
  if (keys.length === 0) return [];
  if (keys.length === 1) {
    const [key] = keys as [ReservationKey];
    const rows = await db.reservation.findMany({ where: { id: key.id, reservationDate: dateOf(key.reservationDate) } });
    return rows.map(reservationView);
  }
  const byId = new Map(keys.map((key) => [key.id, key.reservationDate]));
  const rows = await db.$queryRaw<Reservation[]>`
    SELECT ${RESERVATION_COLUMNS}
      FROM unnest(${[...byId.keys()]}::uuid[], ${[...byId.values()]}::date[]) AS k(id, reservation_date)
      JOIN reservations.reservations r ON r.id = k.id AND r.reservation_date = k.reservation_date`;
  return rows.map(reservationView);
}

export async function findReservationsByCode(
  db: Db,
  codes: { confirmationCode: string; reservationDate: string }[],
): Promise<ReservationView[]> {
  if (codes.length === 0) return [];
  const rows = await db.reservation.findMany({
    where: {
      confirmationCode: { in: unique(codes.map((code) => code.confirmationCode)) },
      reservationDate: { in: unique(codes.map((code) => code.reservationDate)).map(dateOf) },
    },
  });
  return rows.map(reservationView);
}

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

export interface NewParticipant {
  id: string;
  /** Place in the party, from 0; the party is listed in this order. */
  position: number;
  guestId: string | null;
  fullName: string;
  dateOfBirth: string | null;
  ageCategory: ParticipantView['ageCategory'];
  email: string | null;
  phone: string | null;
  insurance: { plan: string; premiumCents: number; currency: string } | null;
}

export interface NewStatusChange {
  from: ReservationStatus | null;
  to: ReservationStatus;
  rev: number;
  reason: string | null;
  actor: string;
  at: Date;
}

function participantData(key: ReservationKey, participant: NewParticipant, at: Date): Prisma.ParticipantCreateManyInput {
  return {
    id: participant.id,
    reservationId: key.id,
    reservationDate: dateOf(key.reservationDate),
    guestId: participant.guestId,
    position: participant.position,
    fullName: participant.fullName,
    dateOfBirth: participant.dateOfBirth ? dateOf(participant.dateOfBirth) : null,
    ageCategory: participant.ageCategory,
    email: participant.email,
    phone: participant.phone,
    insurancePlan: participant.insurance?.plan ?? null,
    insurancePremiumCents: participant.insurance?.premiumCents ?? null,
    insuranceCurrency: participant.insurance?.currency ?? null,
    insuranceStatus: participant.insurance ? 'ACTIVE' : null,
    createdAt: at,
    updatedAt: at,
  };
}

export async function insertReservation(
  tx: Prisma.TransactionClient,
  reservation: NewReservation,
  participants: NewParticipant[],
  history: NewStatusChange,
): Promise<ReservationView> {
  const row = await tx.reservation.create({
    data: {
      id: reservation.id,
      reservationDate: dateOf(reservation.reservationDate),
      confirmationCode: reservation.confirmationCode,
      status: reservation.status,
      guestId: reservation.guestId,
      tripId: reservation.tripId,
      tripDate: dateOf(reservation.tripDate),
      partySize: participants.length,
      contactEmail: reservation.contactEmail,
      contactPhone: reservation.contactPhone,
      notes: reservation.notes,
      partnerId: reservation.partnerId,
      partnerReference: reservation.partnerReference,
      rev: 1,
      createdAt: reservation.createdAt,
      updatedAt: reservation.createdAt,
    },
  });
  await tx.participant.createMany({ data: participants.map((p) => participantData(reservation, p, reservation.createdAt)) });
  await appendStatusChange(tx, reservation, history);
  return reservationView(row);
}

export async function appendStatusChange(
  tx: Prisma.TransactionClient,
  key: ReservationKey,
  change: NewStatusChange,
): Promise<void> {
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

export interface ReservationChanges {
  status?: ReservationStatus;
  tripDate?: string;
  notes?: string | null;
  contactEmail?: string;
  contactPhone?: string | null;
  partySize?: number;
  depositStatus?: ReservationView['depositStatus'];
  paymentId?: string;
  depositSettledAt?: Date;
}

/**
 * `UPDATE … SET _rev = _rev + 1 … WHERE id = … AND reservation_date = … AND _rev = expectedRev
 * RETURNING *`: exactly one of any number of concurrent writers holding the same revision wins;
 * the others match no row and get null.
 */
export async function updateReservationAtRev(
  tx: Prisma.TransactionClient,
  key: ReservationKey,
  expectedRev: number,
  changes: ReservationChanges,
  at: Date,
): Promise<ReservationView | null> {
  const { count } = await tx.reservation.updateMany({
    where: { id: key.id, reservationDate: dateOf(key.reservationDate), rev: expectedRev },
    data: {
      ...(changes.status !== undefined && { status: changes.status }),
      ...(changes.tripDate !== undefined && { tripDate: dateOf(changes.tripDate) }),
      ...(changes.notes !== undefined && { notes: changes.notes }),
      ...(changes.contactEmail !== undefined && { contactEmail: changes.contactEmail }),
      ...(changes.contactPhone !== undefined && { contactPhone: changes.contactPhone }),
      ...(changes.partySize !== undefined && { partySize: changes.partySize }),
      ...(changes.depositStatus !== undefined && { depositStatus: changes.depositStatus }),
      ...(changes.paymentId !== undefined && { paymentId: changes.paymentId }),
      ...(changes.depositSettledAt !== undefined && { depositSettledAt: changes.depositSettledAt }),
      rev: { increment: 1 },
      updatedAt: at,
    },
  });
  if (count === 0) return null;
  const [row] = await findReservations(tx, [key]);
  return row ?? null;
}

export async function insertParticipant(
  tx: Prisma.TransactionClient,
  key: ReservationKey,
  participant: NewParticipant,
  at: Date,
): Promise<void> {
  await tx.participant.create({ data: participantData(key, participant, at) });
}

export interface ParticipantChanges {
  fullName?: string;
  dateOfBirth?: string | null;
  ageCategory?: ParticipantView['ageCategory'];
  email?: string | null;
  phone?: string | null;
  insurance?: { plan: string; premiumCents: number; currency: string; status: 'ACTIVE' | 'REMOVED' };
}

export async function updateParticipant(
  tx: Prisma.TransactionClient,
  id: string,
  changes: ParticipantChanges,
  at: Date,
): Promise<void> {
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

export async function deleteParticipant(tx: Prisma.TransactionClient, id: string): Promise<void> {
  await tx.participant.delete({ where: { id } });
}

export interface ReservationFilter {
  guestId?: string;
  tripId?: string;
  partnerId?: string;
  status?: ReservationStatus[];
  tripDateFrom?: string;
  tripDateTo?: string;
}

/** Keyset position in the newest-trip-first order. */
export interface Cursor {
  tripDate: string;
  id: string;
}

function filterSql(filter: ReservationFilter, cursor: Cursor | null): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filter.tripId) conditions.push(Prisma.sql`r.trip_id = ${filter.tripId}::uuid`);
  if (filter.partnerId) conditions.push(Prisma.sql`r.partner_id = ${filter.partnerId}`);
  if (filter.status?.length) conditions.push(Prisma.sql`r.status::text = ANY(${filter.status}::text[])`);
  if (filter.tripDateFrom) conditions.push(Prisma.sql`r.trip_date >= ${filter.tripDateFrom}::date`);
  if (filter.tripDateTo) conditions.push(Prisma.sql`r.trip_date <= ${filter.tripDateTo}::date`);
  if (cursor) conditions.push(Prisma.sql`(r.trip_date, r.id) < (${cursor.tripDate}::date, ${cursor.id}::uuid)`);
  return Prisma.join(conditions, ' AND ');
}

const RESERVATION_COLUMNS = Prisma.raw(`r.id, r.reservation_date AS "reservationDate", r.confirmation_code AS "confirmationCode",
  r.status::text AS status, r.guest_id AS "guestId", r.trip_id AS "tripId", r.trip_date AS "tripDate",
  r.party_size AS "partySize", r.contact_email AS "contactEmail", r.contact_phone AS "contactPhone", r.notes,
  r.partner_id AS "partnerId", r.partner_reference AS "partnerReference", r._rev AS rev,
  r.deposit_status::text AS "depositStatus", r.payment_id AS "paymentId", r.deposit_settled_at AS "depositSettledAt",
  r.created_at AS "createdAt", r.updated_at AS "updatedAt"`);

const PARTICIPANT_COLUMNS = Prisma.raw(`p.id, p.reservation_id AS "reservationId", p.reservation_date AS "reservationDate",
  p.guest_id AS "guestId", p.position, p.full_name AS "fullName", p.date_of_birth AS "dateOfBirth",
  p.age_category::text AS "ageCategory", p.email, p.phone, p.insurance_plan AS "insurancePlan",
  p.insurance_premium_cents AS "insurancePremiumCents", p.insurance_currency AS "insuranceCurrency",
  p.insurance_status::text AS "insuranceStatus", p.created_at AS "createdAt", p.updated_at AS "updatedAt"`);

/**
 * The first `first` reservations of each guest (one statement for all guests asking the same
 * page): a LATERAL per guest walks the (guest_id, trip_date) index backwards.
 */
export async function guestReservationPages(
  db: Db,
  guests: GuestRef[],
  filter: Omit<ReservationFilter, 'guestId'>,
  first: number,
  cursor: Cursor | null,
): Promise<Map<string, Page<ReservationView>>> {
  const ids = unique(guests.map((guest) => guest.id));
  // The page size is part of the text (a validated integer): with it, PostgreSQL settles on a
  // generic plan for the one-guest statement after a few runs instead of planning ~125 partitions
  // for every page (8–15 ms, BENCHMARKS.md).
  if (!Number.isInteger(first) || first < 1) throw new RangeError(`page size must be a positive integer, got ${first}`);
  const limit = Prisma.raw(String(first + 1));
  const rows =
    ids.length === 1
      ? await db.$queryRaw<(Reservation & { page_guest: string })[]>`
    SELECT r.guest_id::text AS page_guest, ${RESERVATION_COLUMNS} FROM reservations.reservations r
     WHERE r.guest_id = ${ids[0]}::uuid AND ${filterSql(filter, cursor)}
     ORDER BY r.trip_date DESC, r.id DESC
     LIMIT ${limit}`
      : await db.$queryRaw<(Reservation & { page_guest: string })[]>`
    SELECT g.guest_id::text AS page_guest, ${RESERVATION_COLUMNS}
      FROM unnest(${ids}::uuid[]) AS g(guest_id)
      CROSS JOIN LATERAL (
        SELECT * FROM reservations.reservations r
         WHERE r.guest_id = g.guest_id AND ${filterSql(filter, cursor)}
         ORDER BY r.trip_date DESC, r.id DESC
         LIMIT ${limit}
      ) r`;
  const pages = new Map<string, Page<ReservationView>>(ids.map((id) => [id, { items: [], hasNextPage: false }]));
  for (const row of rows) {
    const page = pages.get(row.page_guest);
    if (!page) continue;
    if (page.items.length < first) page.items.push(reservationView(row));
    else page.hasNextPage = true;
  }
  return pages;
}

export async function searchReservations(
  db: Db,
  filter: ReservationFilter,
  first: number,
  cursor: Cursor | null,
): Promise<Page<ReservationView>> {
  const guest = filter.guestId ? Prisma.sql`r.guest_id = ${filter.guestId}::uuid` : Prisma.sql`TRUE`;
  const rows = await db.$queryRaw<Reservation[]>`
    SELECT ${RESERVATION_COLUMNS} FROM reservations.reservations r
     WHERE ${guest} AND ${filterSql(filter, cursor)}
     ORDER BY r.trip_date DESC, r.id DESC
     LIMIT ${first + 1}`;
  return { items: rows.slice(0, first).map(reservationView), hasNextPage: rows.length > first };
}

/**
 * PENDING reservations created before `createdBefore` (oldest first), looking back `lookbackDays`
 * of booking dates only, so the planner prunes to the recent partitions.
 */
export async function findPendingHolds(
  db: Db,
  options: { createdBefore: Date; lookbackDays: number; withoutPayment?: boolean; limit: number },
): Promise<ReservationView[]> {
  const earliest = new Date(options.createdBefore.getTime() - options.lookbackDays * 86_400_000);
  const rows = await db.reservation.findMany({
    where: {
      status: 'PENDING',
      reservationDate: { gte: dateOf(isoOf(earliest)) },
      createdAt: { lt: options.createdBefore },
      ...(options.withoutPayment && { paymentId: null, depositStatus: 'PENDING' }),
    },
    orderBy: { createdAt: 'asc' },
    take: options.limit,
  });
  return rows.map(reservationView);
}

/** The reservation a partner booked under their own reference, or null. */
export async function findByPartnerReference(
  db: Db,
  partnerId: string,
  partnerReference: string,
): Promise<ReservationView | null> {
  const row = await db.partnerReference.findUnique({
    where: { partnerId_partnerReference: { partnerId, partnerReference } },
    include: { reservation: true },
  });
  return row ? reservationView(row.reservation) : null;
}
