import type { NewParticipant } from '../app/ports.js';
import type { ParticipantView, ReservationKey, ReservationView, StatusChangeView } from '../app/views.js';
import { isoDateOf } from '../domain/index.js';
import type { Participant, Reservation, StatusHistory } from './__generated__/prisma/client.js';
import { Prisma, type PrismaClient } from './__generated__/prisma/client.js';

/**
 * Rows of the reservation aggregate and the views the use cases read: the one place that knows
 * how a column maps to a field. Dates travel as `YYYY-MM-DD` strings above this layer and as
 * `DATE` values in PostgreSQL.
 */

/** The client, or the transaction a unit of work runs in: every query takes either. */
export type Db = PrismaClient | Prisma.TransactionClient;

export const dateOf = (iso: string): Date => new Date(`${iso}T00:00:00.000Z`);
export const isoOf = isoDateOf;
export const unique = <T>(values: T[]): T[] => [...new Set(values)];

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

export function statusChangeView(row: StatusHistory): StatusChangeView & { reservationId: string } {
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

export function participantData(key: ReservationKey, participant: NewParticipant, at: Date): Prisma.ParticipantCreateManyInput {
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

export const RESERVATION_COLUMNS =
  Prisma.raw(`r.id, r.reservation_date AS "reservationDate", r.confirmation_code AS "confirmationCode",
  r.status::text AS status, r.guest_id AS "guestId", r.trip_id AS "tripId", r.trip_date AS "tripDate",
  r.party_size AS "partySize", r.contact_email AS "contactEmail", r.contact_phone AS "contactPhone", r.notes,
  r.partner_id AS "partnerId", r.partner_reference AS "partnerReference", r._rev AS rev,
  r.deposit_status::text AS "depositStatus", r.payment_id AS "paymentId", r.deposit_settled_at AS "depositSettledAt",
  r.created_at AS "createdAt", r.updated_at AS "updatedAt"`);

export const PARTICIPANT_COLUMNS = Prisma.raw(`p.id, p.reservation_id AS "reservationId", p.reservation_date AS "reservationDate",
  p.guest_id AS "guestId", p.position, p.full_name AS "fullName", p.date_of_birth AS "dateOfBirth",
  p.age_category::text AS "ageCategory", p.email, p.phone, p.insurance_plan AS "insurancePlan",
  p.insurance_premium_cents AS "insurancePremiumCents", p.insurance_currency AS "insuranceCurrency",
  p.insurance_status::text AS "insuranceStatus", p.created_at AS "createdAt", p.updated_at AS "updatedAt"`);
