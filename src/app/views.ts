import type { AgeCategory, DepositStatus, InsuranceStatus, ReservationStatus } from '../domain/index.js';

/**
 * What the use cases hand to the API layer: plain data with ISO dates, no Prisma types.
 * The GraphQL resolvers map these (codegen `mappers`). The enumerations are the domain's.
 */

/** A reservation's storage key: the id and the booking date it is partitioned by. */
export interface ReservationKey {
  id: string;
  reservationDate: string;
}

export interface ReservationView extends ReservationKey {
  confirmationCode: string;
  status: ReservationStatus;
  guestId: string;
  tripId: string;
  tripDate: string;
  partySize: number;
  contactEmail: string;
  contactPhone: string | null;
  notes: string | null;
  partnerId: string | null;
  partnerReference: string | null;
  rev: number;
  depositStatus: DepositStatus;
  paymentId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface InsuranceView {
  plan: string;
  premiumCents: number;
  currency: string;
  status: InsuranceStatus;
}

export interface ParticipantView {
  id: string;
  reservationId: string;
  reservationDate: string;
  guestId: string | null;
  position: number;
  fullName: string;
  dateOfBirth: string | null;
  ageCategory: AgeCategory | null;
  email: string | null;
  phone: string | null;
  insurance: InsuranceView | null;
}

export interface StatusChangeView {
  from: ReservationStatus | null;
  to: ReservationStatus;
  reason: string | null;
  actor: string;
  at: Date;
  rev: number;
}

export interface GuestRef {
  id: string;
}

/** @public codegen maps GraphQL's Trip to it (codegen.ts mappers), by name. */
export interface TripRef {
  id: string;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}
