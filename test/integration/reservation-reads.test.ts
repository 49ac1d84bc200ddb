import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findParticipantsOf } from '../../src/db/participant-repository.js';
import { findReservations, findReservationsWithParticipants } from '../../src/db/reservation-reads.js';
import { reservationDateOfId } from '../../src/domain/index.js';
import { CREATE, participantInput, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

/**
 * A gateway's `_entities` batch is one statement whose plan PostgreSQL keeps per connection (a
 * generic plan). On a small database (a new deployment) the plan of a plain join of the key
 * arrays was a hash join over a sequential scan of every monthly partition: 60–90 ms for 100 keys
 * at 100k reservations instead of ~5 ms (BENCHMARKS.md). The statement the service sends must
 * probe each key's partition by its primary key, whatever the size of the tables.
 */
const test = useService();

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

interface Statement {
  text: string;
  values: unknown[];
}

/** The statements the service sends while `work` runs (Prisma's adapter calls pool.query). */
async function statementsOf(work: () => Promise<void>): Promise<Statement[]> {
  const pool = test.service.pool;
  const original = pool.query.bind(pool);
  const sent: Statement[] = [];
  pool.query = ((config: Statement, ...rest: unknown[]) => {
    if (typeof config === 'object' && typeof config?.text === 'string') sent.push(config);
    return (original as (...args: unknown[]) => unknown)(config, ...rest);
  }) as typeof pool.query;
  try {
    await work();
  } finally {
    pool.query = original;
  }
  return sent;
}

const ENTITIES = `query E($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Reservation { id participants { id } } } }`;

const READ = `query R($id: ID!) { reservation(id: $id) { id participants { id fullName insurance { plan } } } }`;

describe('reads of reservations by id', () => {
  it('reads a reservation and its participants in one statement when both are asked', async () => {
    const created = await test.graphql<{ createReservation: { id: string; participants: { id: string }[] } }>(CREATE, {
      input: reservationInput(),
    });
    const booked = created.data?.createReservation;
    let read: { reservation: { id: string; participants: { id: string }[] } } | undefined;
    const sent = await statementsOf(async () => {
      read = (await test.graphql<NonNullable<typeof read>>(READ, { id: booked?.id })).data ?? undefined;
    });
    expect(read?.reservation.id).toBe(booked?.id);
    expect(read?.reservation.participants.map((participant) => participant.id)).toEqual(
      booked?.participants.map((participant) => participant.id),
    );
    expect(sent).toHaveLength(1);
  });

  it('gives, in one statement, the same reservations and participants as the reads of each, field for field', async () => {
    // Participants with every field and with the optional ones empty (a date of birth or an age
    // category is required), insured and not; ids
    // created out of position order, so the order of the aggregate is checked too.
    const inputs = [
      reservationInput({
        participants: [
          participantInput({
            guestId: randomUUID(),
            dateOfBirth: '1985-02-28',
            email: 'grace@example.com',
            phone: '+4930987654',
            insurance: { plan: 'STANDARD', premiumCents: 4900, currency: 'EUR' },
          }),
          participantInput({ fullName: 'Kim', dateOfBirth: '2001-07-04', ageCategory: null }),
          participantInput({
            fullName: 'Lee',
            ageCategory: 'CHILD',
            insurance: { plan: 'PREMIUM', premiumCents: 0, currency: 'CHF' },
          }),
        ],
      }),
      reservationInput({ notes: null, contact: { email: 'x@example.com' } }),
    ];
    const ids: string[] = [];
    for (const input of inputs) {
      const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input });
      expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
      ids.push(created.data?.createReservation.id as string);
    }
    const keys = ids.map((id) => ({ id, reservationDate: reservationDateOfId(id) as string }));
    const [one] = keys;
    for (const asked of [keys, [one as (typeof keys)[number]]]) {
      const together = await findReservationsWithParticipants(test.service.pool, asked);
      const reservations = await findReservations(test.service.prisma, asked);
      const participants = await findParticipantsOf(test.service.prisma, asked);
      expect(together.map((row) => row.reservation)).toEqual(reservations);
      expect(together.flatMap((row) => row.participants)).toEqual(participants);
    }
    const insured = (await findReservationsWithParticipants(test.service.pool, keys))[0]?.participants;
    expect(insured?.map((participant) => participant.insurance?.plan ?? null)).toEqual(['STANDARD', null, 'PREMIUM']);
  });

  it('reads one reservation from its own partition alone, not through a probe of every partition', async () => {
    const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
    const id = created.data?.createReservation.id;
    const sent = await statementsOf(async () => {
      expect((await test.graphql<{ reservation: { id: string } }>(READ, { id })).data?.reservation.id).toBe(id);
    });
    const [statement] = sent.filter((one) => one.text.includes('reservations.reservations')) as [Statement];
    const client = await test.db.pool.connect();
    try {
      for (const mode of ['force_custom_plan', 'force_generic_plan']) {
        await client.query(`SET plan_cache_mode = ${mode}`);
        await client.query(`PREPARE one AS ${statement.text}`);
        const literals = statement.values.map((value) => client.escapeLiteral(String(value)));
        const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE one(${literals.join(', ')})`);
        const plan = nodes(rows[0]['QUERY PLAN'][0].Plan as PlanNode);
        // The batch statement's plan starts up an index scan of every partition for its key.
        const partitions = plan.filter((node) => node['Relation Name']?.startsWith('reservations_'));
        expect({ mode, partitions: partitions.map((node) => node['Node Type']) }).toEqual({ mode, partitions: ['Index Scan'] });
        await client.query('DEALLOCATE one');
      }
    } finally {
      await client.query('RESET plan_cache_mode');
      client.release();
    }
  });

  it('probes the primary key of each partition, never scans one, in the generic plan', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
      ids.push(created.data?.createReservation.id ?? '');
    }
    const sent = await statementsOf(async () => {
      const result = await test.graphql<{ _entities: { id: string }[] }>(ENTITIES, {
        representations: ids.map((id) => ({ __typename: 'Reservation', id })),
      });
      expect(result.data?._entities.map((entity) => entity.id)).toEqual(ids);
    });
    const onReservations = sent.filter((statement) => statement.text.includes('reservations.reservations'));
    expect(onReservations).toHaveLength(1);
    const [statement] = onReservations as [Statement];

    const client = await test.db.pool.connect();
    try {
      await client.query('SET plan_cache_mode = force_generic_plan');
      await client.query(`PREPARE batch AS ${statement.text}`);
      // EXECUTE takes no bind parameters: the key arrays as array literals.
      const literals = statement.values.map((value) => client.escapeLiteral(`{${(value as string[]).join(',')}}`));
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE batch(${literals.join(', ')})`);
      const plan = nodes(rows[0]['QUERY PLAN'][0].Plan as PlanNode);
      const partitions = plan.filter((node) => node['Relation Name']?.startsWith('reservations_'));
      expect(partitions.length).toBeGreaterThan(0);
      const scans = partitions.filter((node) => !node['Node Type'].startsWith('Index'));
      expect(scans.map((node) => `${node['Node Type']} on ${node['Relation Name']}`)).toEqual([]);
      expect(plan.map((node) => node['Node Type'])).not.toContain('Hash Join');
    } finally {
      await client.query('DEALLOCATE ALL');
      client.release();
    }
  });
});
