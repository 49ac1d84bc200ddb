import { randomUUID } from 'node:crypto';
import { reservationDateOfId } from '../src/domain/index.js';
import type { LoadRequest } from './load.js';

/**
 * What each target is asked, the same data everywhere: the subgraph through GraphQL as a gateway
 * sends it, the peer through its own generated GraphQL, the limit through plain URLs.
 */

const RESERVATION_FIELDS =
  'id confirmationCode status tripDate partySize contact { email phone } participants { id fullName ageCategory }';

export const SUBGRAPH_OPERATIONS = {
  read1: `query Reservation($id: ID!) { reservation(id: $id) { ${RESERVATION_FIELDS} } }`,
  read2: `query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on Reservation { ${RESERVATION_FIELDS} } } }`,
  read3: `query GuestReservations($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on Guest {
      reservations(first: 20) { edges { cursor node { id confirmationCode tripDate status } } pageInfo { hasNextPage endCursor } } } } }`,
  write4: `mutation Book($input: CreateReservationInput!, $key: String) {
    createReservation(input: $input, idempotencyKey: $key) { id confirmationCode status rev } }`,
};

export const PEER_READ1 = `query Reservation($id: UUID!, $date: Date!) {
  reservationByRowIdAndReservationDate(rowId: $id, reservationDate: $date) {
    rowId confirmationCode status tripDate partySize contactEmail contactPhone
    participantsByReservationIdAndReservationDate { nodes { rowId fullName ageCategory } } } }`;

export interface Targets {
  /** Headers of a gateway call: the caller's token and the gateway secret. */
  gatewayHeaders: Record<string, string>;
  ids: string[];
  heavyGuestId: string;
}

const pick = <T>(values: T[]): T => values[Math.floor(Math.random() * values.length)] as T;

function graphql(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): LoadRequest {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  };
}

function hundredIds(ids: string[]): string[] {
  const start = Math.floor(Math.random() * (ids.length - 100));
  return ids.slice(start, start + 100);
}

export function subgraphRequests(targets: Targets) {
  const headers = targets.gatewayHeaders;
  return {
    read1: () => graphql(SUBGRAPH_OPERATIONS.read1, { id: pick(targets.ids) }, headers),
    read2: () =>
      graphql(
        SUBGRAPH_OPERATIONS.read2,
        { representations: hundredIds(targets.ids).map((id) => ({ __typename: 'Reservation', id })) },
        headers,
      ),
    read3: () =>
      graphql(SUBGRAPH_OPERATIONS.read3, { representations: [{ __typename: 'Guest', id: targets.heavyGuestId }] }, headers),
    write4: () => graphql(SUBGRAPH_OPERATIONS.write4, { input: newBooking(), key: `bench-${randomUUID()}` }, headers),
  };
}

export function limitRequests(targets: Targets) {
  return {
    read1: (): LoadRequest => ({ method: 'GET', path: `/reservation/${pick(targets.ids)}` }),
    read2: (): LoadRequest => ({ method: 'GET', path: `/entities?ids=${hundredIds(targets.ids).join(',')}` }),
    read3: (): LoadRequest => ({ method: 'GET', path: `/guest/${targets.heavyGuestId}/reservations` }),
  };
}

export function peerRequests(targets: Targets) {
  return {
    read1: () => {
      const id = pick(targets.ids);
      return graphql(PEER_READ1, { id, date: reservationDateOfId(id) });
    },
  };
}

function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A booking as the web frontend makes it: a new guest, two participants, one insured. */
function newBooking() {
  const guestId = randomUUID();
  return {
    guestId,
    tripId: pick(TRIPS),
    tripDate: daysFromNow(14 + Math.floor(Math.random() * 180)),
    contact: { email: 'bench@example.com', phone: '+4930123456' },
    participants: [
      {
        fullName: 'Ada Lovelace',
        guestId,
        ageCategory: 'ADULT',
        insurance: { plan: 'STANDARD', premiumCents: 4900, currency: 'EUR' },
      },
      { fullName: 'Charles Babbage', dateOfBirth: '1991-12-26' },
    ],
  };
}

const TRIPS = Array.from({ length: 50 }, () => randomUUID());
