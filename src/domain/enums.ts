/**
 * The one declaration of each enumeration of the reservation model. Prisma's enums
 * (prisma/schema.prisma) and GraphQL's (schema.graphql) must list the same values:
 * test/unit/domain/enums.test.ts compares them, so a value added in one place alone fails the build.
 * Nothing here imports anything, so every file of the domain can use it without a cycle.
 */

export const RESERVATION_STATUSES = [
  'PENDING',
  'CONFIRMED',
  'CHECKED_IN',
  'COMPLETED',
  'CANCELLED',
  'NO_SHOW',
  'EXPIRED',
] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

export const AGE_CATEGORIES = ['ADULT', 'YOUTH', 'CHILD', 'INFANT'] as const;
export type AgeCategory = (typeof AGE_CATEGORIES)[number];

export const INSURANCE_STATUSES = ['ACTIVE', 'REMOVED'] as const;
export type InsuranceStatus = (typeof INSURANCE_STATUSES)[number];

export const DEPOSIT_STATUSES = ['PENDING', 'SETTLED', 'DECLINED'] as const;
export type DepositStatus = (typeof DEPOSIT_STATUSES)[number];
