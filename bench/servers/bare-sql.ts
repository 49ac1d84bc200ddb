import { createServer, type ServerResponse } from 'node:http';
import pg from 'pg';
import { reservationDateOfId } from '../../src/domain/index.js';
import { requiredEnv, serve } from './child.js';

/**
 * The limit: each read as one hand-written SQL statement that builds the response JSON inside
 * PostgreSQL, served by a bare node:http handler with `pg` — no GraphQL, no auth, no ORM — as
 * named prepared statements (plans kept per connection). The batch probes each key through a
 * LATERAL … LIMIT 1, as the subgraph does: a plain join got a sequential scan of every partition
 * on a small database (src/db/reservation-reads.ts). What the subgraph does on top of this is
 * the price of its layers.
 *
 *   GET /reservation/<id>                 read 1: a reservation with its participants
 *   GET /entities?ids=<id>,<id>,…         read 2: the fields _entities asks for, for many ids
 *   GET /guest/<guestId>/reservations   read 3: a guest's newest trips
 */

const RESERVATION_JSON = `json_build_object(
  'id', r.id, 'confirmationCode', r.confirmation_code, 'status', r.status, 'tripDate', r.trip_date,
  'partySize', r.party_size, 'contact', json_build_object('email', r.contact_email, 'phone', r.contact_phone),
  'participants', COALESCE((SELECT json_agg(json_build_object('id', p.id, 'fullName', p.full_name, 'ageCategory', p.age_category)
                                    ORDER BY p.position, p.id)
                              FROM reservations.participants p
                             WHERE p.reservation_id = r.id AND p.reservation_date = r.reservation_date), '[]'::json))`;

export const BARE_SQL = {
  reservation: `SELECT json_build_object('data', json_build_object('reservation', ${RESERVATION_JSON}))::text AS body
                  FROM reservations.reservations r
                 WHERE r.id = $1::uuid AND r.reservation_date = reservations.uuid_v7_date($1::uuid)`,
  entities: `SELECT json_build_object('data', json_build_object('_entities', COALESCE(json_agg(${RESERVATION_JSON}), '[]'::json)))::text AS body
               FROM unnest($1::uuid[], $2::date[]) AS k(id, reservation_date)
              CROSS JOIN LATERAL (SELECT * FROM reservations.reservations r
                                   WHERE r.id = k.id AND r.reservation_date = k.reservation_date LIMIT 1) r`,
  guestPage: `SELECT json_build_object('data', json_build_object('reservations', COALESCE(json_agg(json_build_object(
                'id', r.id, 'confirmationCode', r.confirmation_code, 'tripDate', r.trip_date, 'status', r.status)), '[]'::json)))::text AS body
                FROM (SELECT * FROM reservations.reservations
                       WHERE guest_id = $1::uuid ORDER BY trip_date DESC, id DESC LIMIT 21) r`,
};

const pool = new pg.Pool({
  connectionString: requiredEnv('DATABASE_URL'),
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
  idleTimeoutMillis: 300_000,
  application_name: 'svc-reservations-bench-limit',
});

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function answerOf(url: URL): Promise<string | null> {
  const parts = url.pathname.split('/').filter(Boolean);
  let result: pg.QueryResult<{ body: string }> | null = null;
  if (parts[0] === 'reservation' && parts[1]) {
    result = await pool.query<{ body: string }>({ name: 'reservation', text: BARE_SQL.reservation, values: [parts[1]] });
  } else if (parts[0] === 'entities') {
    const ids = (url.searchParams.get('ids') ?? '').split(',');
    result = await pool.query<{ body: string }>({
      name: 'entities',
      text: BARE_SQL.entities,
      values: [ids, ids.map(reservationDateOfId)],
    });
  } else if (parts[0] === 'guest' && parts[1] && parts[2] === 'reservations') {
    result = await pool.query<{ body: string }>({ name: 'guest-page', text: BARE_SQL.guestPage, values: [parts[1]] });
  } else {
    return null;
  }
  return result.rows[0]?.body ?? '{"data":{"reservation":null}}';
}

const server = createServer((request, response) => {
  answerOf(new URL(request.url ?? '/', 'http://limit')).then(
    (body) => (body === null ? send(response, 404, '{"error":"no such route"}') : send(response, 200, body)),
    (error: unknown) => send(response, 500, JSON.stringify({ error: String(error) })),
  );
});
server.keepAliveTimeout = 5_000;
await serve(server, () => pool.end());
