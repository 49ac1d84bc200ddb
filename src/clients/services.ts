import { DependencyFailedError } from '../domain/index.js';
import {
  type AvailabilityCheck,
  availabilityResponse,
  type DepositRequest,
  type DepositResult,
  depositResponse,
  type GuestStatus,
  type Trip,
  tripsResponse,
  validateGuestsResponse,
} from './contracts.js';
import { FreshCache } from './fresh-cache.js';
import { ServiceCaller, type ServiceCallerOptions } from './http.js';
import { createOutboundLoaders, type OutboundLoaders } from './loaders.js';
import { type BreakerState, breakerStateName, type ResilienceSettings, servicePolicies } from './resilience.js';

/**
 * Typed clients of guest-profiles, trip-catalog and payments (contracts in ./contracts.ts).
 * Every call is batched by the caller (see ./loaders.ts), bounded and behind its breaker.
 */

export interface ClientSettings extends ResilienceSettings {
  guestProfilesUrl: string;
  tripCatalogUrl: string;
  paymentsUrl: string;
  onBreakerChange?: (service: string, state: BreakerState) => void;
  onCall?: ServiceCallerOptions['onCall'];
  /** Trips kept at most (least recently used go first); 0 keeps none. */
  tripCacheSize?: number;
}

/** A whole catalog of trips (~200 bytes each: 2 MB at most). */
const TRIP_CACHE_SIZE = 10_000;

function parsed<T>(
  service: string,
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  body: unknown,
): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new DependencyFailedError(service, { cause: new Error(`${service} answered outside its contract`) });
  return result.data;
}

/** What the metrics read of a service's breaker. */
export interface BreakerView {
  current(): BreakerState;
}

export type { OutboundLoaders };

export class OutboundClients {
  readonly breakers: Map<string, BreakerView>;
  private readonly guests: ServiceCaller;
  private readonly catalog: ServiceCaller;
  private readonly payments: ServiceCaller;
  /** Trips as the catalog answered them, each kept as long as the answer's Cache-Control allows. */
  private readonly tripCache: FreshCache<Trip>;

  constructor(settings: ClientSettings) {
    const caller = (service: string, baseUrl: string) => {
      const policies = servicePolicies(settings, (state) => settings.onBreakerChange?.(service, state));
      return {
        breaker: { current: () => breakerStateName(policies.breaker.state) },
        caller: new ServiceCaller({ service, baseUrl, policies, ...(settings.onCall && { onCall: settings.onCall }) }),
      };
    };
    const guests = caller('guest-profiles', settings.guestProfilesUrl);
    const trips = caller('trip-catalog', settings.tripCatalogUrl);
    const payments = caller('payments', settings.paymentsUrl);
    this.guests = guests.caller;
    this.catalog = trips.caller;
    this.payments = payments.caller;
    this.tripCache = new FreshCache(settings.tripCacheSize ?? TRIP_CACHE_SIZE);
    this.breakers = new Map([
      ['guest-profiles', guests.breaker],
      ['trip-catalog', trips.breaker],
      ['payments', payments.breaker],
    ]);
  }

  /** One call for any number of guests: the status of each (UNKNOWN when the service does not know it). */
  async guestStatuses(ids: readonly string[]): Promise<Map<string, GuestStatus>> {
    const answer = await this.guests.call('/v1/guests:validate', { method: 'POST', body: { ids }, idempotent: true });
    if (answer.status !== 200) throw new DependencyFailedError('guest-profiles');
    const { guests } = parsed('guest-profiles', validateGuestsResponse, answer.body);
    return new Map(guests.map((guest) => [guest.id, guest.status]));
  }

  /**
   * The trips the catalog knows among `ids`: those it let us keep (its `Cache-Control: max-age`)
   * from this process's cache, the rest in one call. A trip it does not know is asked again next
   * time (it may be added meanwhile).
   */
  async trips(ids: readonly string[]): Promise<Map<string, Trip>> {
    const trips = new Map<string, Trip>();
    const missing: string[] = [];
    for (const id of ids) {
      const kept = this.tripCache.get(id);
      if (kept) trips.set(id, kept);
      else missing.push(id);
    }
    if (missing.length === 0) return trips;
    const answer = await this.catalog.call(`/v1/trips?ids=${missing.map(encodeURIComponent).join(',')}`, { idempotent: true });
    if (answer.status !== 200) throw new DependencyFailedError('trip-catalog');
    for (const trip of parsed('trip-catalog', tripsResponse, answer.body).trips) {
      trips.set(trip.id, trip);
      this.tripCache.set(trip.id, trip, answer.freshSeconds);
    }
    return trips;
  }

  async availability(
    checks: readonly AvailabilityCheck[],
  ): Promise<{ tripId: string; tripDate: string; available: boolean; seatsLeft: number }[]> {
    const answer = await this.catalog.call('/v1/availability:check', { method: 'POST', body: { checks }, idempotent: true });
    if (answer.status !== 200) throw new DependencyFailedError('trip-catalog');
    return parsed('trip-catalog', availabilityResponse, answer.body).results;
  }

  /** Closes the connections to the three services (shutdown). */
  close(): void {
    for (const caller of [this.guests, this.catalog, this.payments]) caller.close();
  }

  /** A fresh set of batched lookups: one per GraphQL request, or per piece of work outside one. */
  loaders(): OutboundLoaders {
    return createOutboundLoaders(this);
  }

  /** Idempotent by the reservation id: a retry returns the same payment, never a second charge. */
  async chargeDeposit(request: DepositRequest): Promise<DepositResult> {
    const answer = await this.payments.call('/v1/deposits', {
      method: 'POST',
      body: request,
      headers: { 'idempotency-key': request.reservationId },
      idempotent: true,
    });
    if (answer.status !== 200 && answer.status !== 201) throw new DependencyFailedError('payments');
    return parsed('payments', depositResponse, answer.body);
  }
}
