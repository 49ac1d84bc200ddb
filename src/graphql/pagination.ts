import type { Page, ReservationView } from '../app/views.js';
import type { Cursor } from '../db/reservation-repository.js';
import { BadUserInputError, isIsoDate, isUuid } from '../domain/index.js';

export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined, field = 'first'): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new BadUserInputError([{ field, message: `must be between 1 and ${MAX_PAGE_SIZE}` }]);
  }
  return size;
}

/** Opaque to clients: base64url of the last row's (trip date, id) in the newest-first order. */
export function encodeCursor(reservation: ReservationView): string {
  return Buffer.from(JSON.stringify([reservation.tripDate, reservation.id])).toString('base64url');
}

export function decodeCursor(after: string | null | undefined, field = 'after'): Cursor | null {
  if (after === null || after === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [tripDate, id] = parsed as unknown[];
      if (typeof tripDate === 'string' && isIsoDate(tripDate) && typeof id === 'string' && isUuid(id)) return { tripDate, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError([{ field, message: 'is not a cursor returned by this API' }]);
}

export function connection(page: Page<ReservationView>) {
  const edges = page.items.map((node) => ({ cursor: encodeCursor(node), node }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
