import { z } from 'zod';

/**
 * The contracts of the services we call (they do not exist here; stubs/ serves them). Responses
 * are validated: a service that answers something else is a failed dependency, not a crash.
 * Human-readable versions: docs/contracts/*.md.
 */

// guest-profiles — POST /v1/guests:validate
export const guestStatusSchema = z.enum(['ACTIVE', 'SUSPENDED', 'UNKNOWN']);
export type GuestStatus = z.infer<typeof guestStatusSchema>;
/** @public the contract's request shape, kept beside its response. */
export const validateGuestsRequest = z.object({ ids: z.array(z.uuid()).min(1).max(200) });
export const validateGuestsResponse = z.object({ guests: z.array(z.object({ id: z.uuid(), status: guestStatusSchema })) });

// trip-catalog — GET /v1/trips?ids=a,b and POST /v1/availability:check
export const tripSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  capacity: z.int().min(0),
  depositCents: z.int().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/),
});
export type Trip = z.infer<typeof tripSchema>;
export const tripsResponse = z.object({ trips: z.array(tripSchema) });
export const availabilityCheck = z.object({ tripId: z.uuid(), tripDate: z.iso.date(), seats: z.int().min(1) });
export type AvailabilityCheck = z.infer<typeof availabilityCheck>;
/** @public the contract's request shape, kept beside its response. */
export const availabilityRequest = z.object({ checks: z.array(availabilityCheck).min(1).max(200) });
export const availabilityResponse = z.object({
  results: z.array(z.object({ tripId: z.uuid(), tripDate: z.iso.date(), available: z.boolean(), seatsLeft: z.int().min(0) })),
});

// payments — POST /v1/deposits with Idempotency-Key = the reservation id
export const depositRequest = z.object({
  reservationId: z.uuid(),
  guestId: z.uuid(),
  amountCents: z.int().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/),
});
export type DepositRequest = z.infer<typeof depositRequest>;
export const depositResponse = z.object({
  paymentId: z.string().min(1).max(64),
  status: z.enum(['SETTLED', 'DECLINED', 'PROCESSING']),
  declineReason: z.string().optional(),
});
export type DepositResult = z.infer<typeof depositResponse>;
