import DataLoader from 'dataloader';
import type { GuestRef, Page, ParticipantView, ReservationKey, ReservationView, StatusChangeView } from '../app/views.js';
import { findParticipants, findParticipantsOf, findStatusHistoryOf } from '../db/participant-repository.js';
import { findReservations, findReservationsWithParticipants, type SqlPool } from '../db/reservation-reads.js';
import {
  type Cursor,
  findReservationsByCode,
  guestReservationPages,
  type ReservationFilter,
} from '../db/reservation-repository.js';
import type { Db } from '../db/rows.js';

/**
 * Per-request batching and caching: whatever number of entities a query plan asks for, each
 * loader sends one statement per tick. Results come back in the order asked, null when unknown.
 */

export interface GuestPageRequest {
  guest: GuestRef;
  filter: Omit<ReservationFilter, 'guestId'>;
  first: number;
  cursor: Cursor | null;
}

export interface Loaders {
  reservation: DataLoader<ReservationKey, ReservationView | null, string>;
  /** The same, with its participants in the same statement: primes `reservation` and `participantsOf`. */
  reservationWithParticipants: DataLoader<ReservationKey, ReservationView | null, string>;
  reservationByCode: DataLoader<{ confirmationCode: string; reservationDate: string }, ReservationView | null, string>;
  participant: DataLoader<string, ParticipantView | null>;
  participantsOf: DataLoader<ReservationKey, ParticipantView[], string>;
  /**
   * The participants read with their reservation in this request, by reservation id, as
   * `participantsOf` is primed with them: `Reservation.participants` answers these without a
   * promise, so graphql-js completes such a reservation synchronously (read 2: 100 fewer promise
   * chains a batch of 100).
   */
  participantsRead: ReadonlyMap<string, ParticipantView[]>;
  statusHistoryOf: DataLoader<ReservationKey, StatusChangeView[], string>;
  guestReservations: DataLoader<GuestPageRequest, Page<ReservationView>, string>;
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/**
 * Reservations by key that first look for the same key among those being read with their
 * participants in this request: a participant's reservation is then no statement of its own,
 * whichever of the two statements answers first.
 */
class ReservationLoader extends DataLoader<ReservationKey, ReservationView | null, string> {
  constructor(
    batch: DataLoader.BatchLoadFn<ReservationKey, ReservationView | null>,
    private readonly withParticipants: Map<string, Promise<ReservationView | null>>,
  ) {
    super(batch, { cacheKeyFn: (key) => key.id });
  }

  override load(key: ReservationKey): Promise<ReservationView | null> {
    return this.withParticipants.get(key.id) ?? super.load(key);
  }
}

export function createLoaders(db: Db, pool: SqlPool): Loaders {
  const withParticipants = new Map<string, Promise<ReservationView | null>>();
  const participantsRead = new Map<string, ParticipantView[]>();
  const loaders: Loaders = {
    participantsRead,
    reservationWithParticipants: new DataLoader(
      async (keys) => {
        const byId = new Map((await findReservationsWithParticipants(pool, [...keys])).map((row) => [row.reservation.id, row]));
        return keys.map((key) => {
          const found = byId.get(key.id);
          if (!found) return null;
          loaders.reservation.prime(key, found.reservation);
          loaders.participantsOf.prime(key, found.participants);
          // As prime: the first answer for a key stays.
          if (!participantsRead.has(key.id)) participantsRead.set(key.id, found.participants);
          return found.reservation;
        });
      },
      { cacheKeyFn: (key) => key.id, cacheMap: withParticipants },
    ),
    reservation: new ReservationLoader(async (keys) => {
      const byId = new Map((await findReservations(db, [...keys])).map((row) => [row.id, row]));
      return keys.map((key) => byId.get(key.id) ?? null);
    }, withParticipants),
    reservationByCode: new DataLoader(
      async (codes) => {
        const byCode = new Map((await findReservationsByCode(db, [...codes])).map((row) => [row.confirmationCode, row]));
        return codes.map((code) => byCode.get(code.confirmationCode) ?? null);
      },
      { cacheKeyFn: (code) => code.confirmationCode },
    ),
    participant: new DataLoader(async (ids) => {
      const byId = new Map((await findParticipants(db, [...ids])).map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    participantsOf: new DataLoader(
      async (keys) => {
        const byReservation = groupBy(await findParticipantsOf(db, [...keys]), (row) => row.reservationId);
        return keys.map((key) => byReservation.get(key.id) ?? []);
      },
      { cacheKeyFn: (key) => key.id },
    ),
    statusHistoryOf: new DataLoader(
      async (keys) => {
        const byReservation = groupBy(await findStatusHistoryOf(db, [...keys]), (row) => row.reservationId);
        return keys.map((key) => byReservation.get(key.id) ?? []);
      },
      { cacheKeyFn: (key) => key.id },
    ),
    guestReservations: new DataLoader(
      async (requests) => {
        // Requests with the same filter, size and cursor share one statement.
        const shapeOf = (request: GuestPageRequest) => JSON.stringify([request.filter, request.first, request.cursor]);
        const results = new Map<string, Page<ReservationView>>();
        for (const [shape, group] of groupBy([...requests], shapeOf)) {
          const [sample] = group;
          if (!sample) continue;
          const pages = await guestReservationPages(
            db,
            group.map((request) => request.guest),
            sample.filter,
            sample.first,
            sample.cursor,
          );
          for (const [guestId, page] of pages) results.set(`${shape}|${guestId}`, page);
        }
        return requests.map(
          (request) => results.get(`${shapeOf(request)}|${request.guest.id}`) ?? { items: [], hasNextPage: false },
        );
      },
      { cacheKeyFn: (request) => JSON.stringify([request.guest.id, request.filter, request.first, request.cursor]) },
    ),
  };
  return loaders;
}
