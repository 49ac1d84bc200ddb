import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/index.js';
import { buildSchema } from '../../src/graphql/schema.js';
import { type LiveData, operationsOf } from '../support/api-arbitraries.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';
import { snapshotTables } from '../support/snapshot.js';

/**
 * The API refuses every bad input cleanly: for arbitrary arguments of every query and mutation of
 * schema.graphql, sent over HTTP by callers of every role to the real subgraph on PostgreSQL, the
 * answer is never an HTTP 5xx nor INTERNAL_SERVER_ERROR, and a refused change leaves every table
 * as it was. `npm run test:properties` runs it longer (API_PROPERTY_RUNS, API_PROPERTY_SEED).
 */

const test = useService();
const RUNS = Number(process.env.API_PROPERTY_RUNS ?? 150);
const SEED = Number(process.env.API_PROPERTY_SEED ?? 20_261_201);
/** The typed codes of the API (README, API) and GraphQL's own refusals; anything else is a failure. */
const CLIENT_ERROR_CODES = new Set<string>([
  ...ERROR_CODES,
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
]);
const ROLES = ['staff', 'partner', 'guest', 'service'] as const;

async function liveData(focus: number, nastiness = 0): Promise<LiveData> {
  const { rows } = await test.db.pool.query<{
    id: string;
    rev: number;
    confirmation_code: string;
    guest_id: string;
    trip_id: string;
    participants: string[];
  }>(`SELECT r.id, r._rev AS rev, r.confirmation_code, r.guest_id, r.trip_id,
            array(SELECT p.id::text FROM reservations.participants p WHERE p.reservation_id = r.id ORDER BY p.id) AS participants
       FROM reservations.reservations r ORDER BY r.id`);
  return {
    focus,
    nastiness,
    reservations: rows.map((row) => ({
      id: row.id,
      rev: row.rev,
      confirmationCode: row.confirmation_code,
      guestId: row.guest_id,
      tripId: row.trip_id,
      participants: row.participants,
    })),
  };
}

describe('arbitrary arguments of every operation', () => {
  const operations = operationsOf(buildSchema());
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    for (let index = 0; index < 4; index++) {
      const created = await test.graphql(CREATE, { input: reservationInput() });
      expect(created.errors).toBeUndefined();
    }
    const guest = (await liveData(0)).reservations[0]?.guestId;
    for (const role of ROLES)
      tokens[role] = await test.tokens.sign(role, `property-${role}`, { partner_id: 'acme', guest_id: guest });
  });

  it('covers every query and mutation of the schema', () => {
    const fields = operations.map(({ operation }) => operation.field);
    expect(fields).toEqual(
      expect.arrayContaining(['reservation', 'reservations', '_entities', 'createReservation', 'cancelReservation']),
    );
    expect(fields.length).toBeGreaterThanOrEqual(17);
  });

  it(
    'never answers 5xx or INTERNAL_SERVER_ERROR, and a refused change changes nothing',
    async () => {
      const runs = fc.tuple(
        fc.constantFrom(...operations).chain(({ operation, variables }) => fc.tuple(fc.constant(operation), variables)),
        fc.constantFrom(...ROLES),
        fc.nat(),
      );
      await fc.assert(
        fc.asyncProperty(runs, async ([[operation, variables], role, focus]) => {
          const live = await liveData(focus);
          const before = await snapshotTables(test.db.pool);
          const sent = variables(live);
          const response = await fetch(test.service.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[role]}` },
            body: JSON.stringify({ query: operation.document, variables: sent }),
          });
          const text = await response.text();
          expect(response.status, text).toBeLessThan(500);
          const body = JSON.parse(text) as {
            data?: Record<string, unknown> | null;
            errors?: { extensions?: { code?: string } }[];
          };
          const unexpected = (body.errors ?? []).filter((error) => !CLIENT_ERROR_CODES.has(String(error.extensions?.code)));
          expect(unexpected, `${operation.field} ${JSON.stringify(sent).slice(0, 2_000)}`).toEqual([]);
          const changed = operation.kind === 'mutation' && body.data?.[operation.field] != null;
          if (!changed) expect(await snapshotTables(test.db.pool), text.slice(0, 2_000)).toEqual(before);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    },
    60_000 + RUNS * 500,
  );
});
