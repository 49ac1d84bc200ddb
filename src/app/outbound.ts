/**
 * The services a booking asks (guest profiles, trip catalog, payments), as the use cases see them.
 * src/clients implements this over HTTP with timeouts, retries and breakers (OutboundClients);
 * the shapes are those of the contracts in src/clients/contracts.ts, which must keep fitting them
 * (the composition root assigns one to the other, so the compiler checks it).
 */

export type GuestStatus = 'ACTIVE' | 'SUSPENDED' | 'UNKNOWN';

export interface Trip {
  id: string;
  name: string;
  capacity: number;
  depositCents: number;
  currency: string;
}

export interface AvailabilityCheck {
  tripId: string;
  tripDate: string;
  seats: number;
}

export interface DepositRequest {
  reservationId: string;
  guestId: string;
  amountCents: number;
  currency: string;
}

export interface DepositResult {
  paymentId: string;
  status: 'SETTLED' | 'DECLINED' | 'PROCESSING';
  declineReason?: string | undefined;
}

/** A batched, per-request lookup (a DataLoader in src/clients). */
export interface Lookup<K, V> {
  load(key: K): Promise<V>;
}

export interface OutboundLookups {
  guestStatus: Lookup<string, GuestStatus>;
  trip: Lookup<string, Trip | null>;
  availability: Lookup<AvailabilityCheck, { available: boolean; seatsLeft: number }>;
}

export interface OutboundServices {
  trips(ids: readonly string[]): Promise<Map<string, Trip>>;
  /** Idempotent by the reservation id: a retry returns the same payment, never a second charge. */
  chargeDeposit(request: DepositRequest): Promise<DepositResult>;
  /** A fresh set of batched lookups: one per GraphQL request, or per piece of work outside one. */
  loaders(): OutboundLookups;
}

/** What the use cases log (pino's logger fits it). */
export interface AppLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}
