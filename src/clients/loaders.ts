import DataLoader from 'dataloader';
import type { AvailabilityCheck, GuestStatus, Trip } from './contracts.js';

/**
 * Per-request batching and caching of outbound lookups (one set per GraphQL request, see
 * forOneRequest in src/app/deps.ts): a reservation with 12 participants asks guest profiles once;
 * 100 trips asked in one tick are one catalog call; a trip or guest asked twice in a request is
 * asked of its service once. Availability is batched but never cached: a booking earlier in the
 * same request may have taken the seats.
 */
export interface OutboundLoaders {
  guestStatus: DataLoader<string, GuestStatus>;
  trip: DataLoader<string, Trip | null>;
  availability: DataLoader<AvailabilityCheck, { available: boolean; seatsLeft: number }, string>;
}

/** The batch calls the loaders make (OutboundClients has them). */
export interface LookupSource {
  guestStatuses(ids: readonly string[]): Promise<Map<string, GuestStatus>>;
  trips(ids: readonly string[]): Promise<Map<string, Trip>>;
  availability(
    checks: readonly AvailabilityCheck[],
  ): Promise<{ tripId: string; tripDate: string; available: boolean; seatsLeft: number }[]>;
}

export function createOutboundLoaders(clients: LookupSource): OutboundLoaders {
  return {
    guestStatus: new DataLoader(async (ids) => {
      const statuses = await clients.guestStatuses(ids);
      return ids.map((id) => statuses.get(id) ?? 'UNKNOWN');
    }),
    trip: new DataLoader(async (ids) => {
      const trips = await clients.trips(ids);
      return ids.map((id) => trips.get(id) ?? null);
    }),
    availability: new DataLoader(
      async (checks) => {
        const results = await clients.availability(checks);
        return checks.map(
          (check) =>
            results.find((result) => result.tripId === check.tripId && result.tripDate === check.tripDate) ?? {
              available: false,
              seatsLeft: 0,
            },
        );
      },
      { cache: false },
    ),
  };
}
