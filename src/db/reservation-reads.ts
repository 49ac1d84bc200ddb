import type pg from 'pg';
import type { ParticipantView, ReservationKey, ReservationView } from '../app/views.js';
import type { InsuranceStatus } from '../domain/index.js';
import type { Reservation } from './__generated__/prisma/client.js';
import { type Db, RESERVATION_COLUMNS, reservationView } from './rows.js';

/**
 * Reads of reservations by key for the API's loaders: one statement for any number of keys, with
 * the participants aggregated as JSON in the same statement when the query asks for them.
 *
 * Each key is looked up through a LATERAL subquery with `LIMIT 1` (the key is the primary key, so
 * at most one row anyway): the planner cannot flatten it into a join, so the only plan is a
 * nested loop probing the primary key of the one partition the key names (pruned at run time).
 * A plain join of the key arrays let the planner cost each probe as if it visited all ~125
 * partitions; on a small database it preferred a parallel hash join over a sequential scan of
 * every partition (60–90 ms for 100 keys at 100k reservations, BENCHMARKS.md), and kept that
 * plan as its generic one.
 */

/** A reservation with its participants, in the order of their positions. */
export interface ReservationWithParticipants {
  reservation: ReservationView;
  participants: ParticipantView[];
}

/** A participant as the statement aggregates it: the view's fields, insurance as its columns. */
type ParticipantJson = Omit<ParticipantView, 'insurance'> & {
  insurancePlan: string | null;
  insurancePremiumCents: number | null;
  insuranceCurrency: string | null;
  insuranceStatus: InsuranceStatus | null;
};

/**
 * Field by field, not `{ ...rest }`: a rest copy of each of the ~250 participants of an
 * `_entities` batch of 100 was a visible share of its CPU (BENCHMARKS.md, item 24).
 */
function participantOfJson(row: ParticipantJson): ParticipantView {
  const { insurancePlan: plan, insurancePremiumCents: premiumCents, insuranceCurrency: currency, insuranceStatus: status } = row;
  return {
    id: row.id,
    reservationId: row.reservationId,
    reservationDate: row.reservationDate,
    guestId: row.guestId,
    position: row.position,
    fullName: row.fullName,
    dateOfBirth: row.dateOfBirth,
    ageCategory: row.ageCategory,
    email: row.email,
    phone: row.phone,
    insurance: plan && currency && status && premiumCents !== null ? { plan, premiumCents, currency, status } : null,
  };
}

const keyArrays = (keys: ReservationKey[]): [string[], string[]] => {
  const byId = new Map(keys.map((key) => [key.id, key.reservationDate]));
  return [[...byId.keys()], [...byId.values()]];
};

export async function findReservations(db: Db, keys: ReservationKey[]): Promise<ReservationView[]> {
  if (keys.length === 0) return [];
  const [ids, dates] = keyArrays(keys);
  const rows = await db.$queryRaw<Reservation[]>`
    SELECT ${RESERVATION_COLUMNS}
      FROM unnest(${ids}::uuid[], ${dates}::date[]) AS k(id, reservation_date)
      CROSS JOIN LATERAL (SELECT * FROM reservations.reservations r
                           WHERE r.id = k.id AND r.reservation_date = k.reservation_date LIMIT 1) r`;
  return rows.map(reservationView);
}

/** What the statements sent through `pg` itself need of the pool: `pg.Pool#query`. */
export type SqlPool = Pick<pg.Pool, 'query'>;

/**
 * Sent through `pg` itself as one named statement, not through Prisma: the hottest read of the
 * API (every `reservation(id)` and `_entities` batch), where Prisma's `$queryRaw` cost ~0.5 ms of
 * CPU a lookup against ~0.25 ms for the same statement through `pg` (BENCHMARKS.md). The columns
 * come back as the view's fields: dates as text (pool.ts), timestamps as Dates, JSON parsed.
 */
const PARTICIPANTS_JSON = `
      LEFT JOIN LATERAL (SELECT json_agg(json_build_object(
                           'id', p.id, 'reservationId', p.reservation_id, 'reservationDate', p.reservation_date,
                           'guestId', p.guest_id, 'position', p.position, 'fullName', p.full_name,
                           'dateOfBirth', p.date_of_birth, 'ageCategory', p.age_category, 'email', p.email, 'phone', p.phone,
                           'insurancePlan', p.insurance_plan, 'insurancePremiumCents', p.insurance_premium_cents,
                           'insuranceCurrency', p.insurance_currency, 'insuranceStatus', p.insurance_status)
                           ORDER BY p.position, p.id) AS participants
                           FROM reservations.participants p
                          WHERE p.reservation_id = r.id AND p.reservation_date = r.reservation_date) p ON TRUE`;

const WITH_PARTICIPANTS = `
    SELECT ${RESERVATION_COLUMNS.text}, COALESCE(p.participants, '[]'::json) AS participants
      FROM unnest($1::uuid[], $2::date[]) AS k(id, reservation_date)
      CROSS JOIN LATERAL (SELECT * FROM reservations.reservations r
                           WHERE r.id = k.id AND r.reservation_date = k.reservation_date LIMIT 1) r${PARTICIPANTS_JSON}`;

/**
 * One key (every `reservation(id)`): a plain primary-key lookup. The batch statement's plan
 * probes through an `Append` of every partition that is pruned only as each key arrives, so
 * each execution still starts up ~125 index scans of reservations and ~125 of participants;
 * here the partition is known when the statement is planned (its custom plan keeps one of
 * each). PostgreSQL spends 0.30–0.38 ms on this one against 0.51–0.74 ms on the batch form for
 * the same key (pgbench, small data set, BENCHMARKS.md).
 */
const ONE_WITH_PARTICIPANTS = `
    SELECT ${RESERVATION_COLUMNS.text}, COALESCE(p.participants, '[]'::json) AS participants
      FROM reservations.reservations r${PARTICIPANTS_JSON}
     WHERE r.id = $1::uuid AND r.reservation_date = $2::date`;

/** A row of RESERVATION_COLUMNS as `pg` returns it: the view's fields (dates as text, pool.ts). */
export type ReservationRow = ReservationView & { depositSettledAt: Date | null };

type ReservationWithParticipantsRow = ReservationRow & { participants: ParticipantJson[] };

/** The view of a row sent through `pg` (the settlement time is the repository's, not the view's). */
export function viewOfRow({ depositSettledAt: _settledAt, ...reservation }: ReservationRow): ReservationView {
  return reservation;
}

export async function findReservationsWithParticipants(
  pool: SqlPool,
  keys: ReservationKey[],
): Promise<ReservationWithParticipants[]> {
  if (keys.length === 0) return [];
  const [one] = keys;
  const { rows } = await pool.query<ReservationWithParticipantsRow>(
    keys.length === 1 && one
      ? { name: 'reservation-with-participants', text: ONE_WITH_PARTICIPANTS, values: [one.id, one.reservationDate] }
      : { name: 'reservations-with-participants', text: WITH_PARTICIPANTS, values: keyArrays(keys) },
  );
  // One copy of each row, without the settlement time and the participants, not two.
  return rows.map(({ depositSettledAt: _settledAt, participants, ...reservation }) => ({
    reservation,
    participants: participants.map(participantOfJson),
  }));
}
