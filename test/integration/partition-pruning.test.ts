import { describe, expect, it } from 'vitest';
import { reservationDateOfId } from '../../src/domain/index.js';
import { CREATE, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

/**
 * Lookups by id name the booking date derived from the UUIDv7 id, so PostgreSQL reads one monthly
 * partition, not all of them (the template database has 27 months of partitions).
 */
const test = useService();

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
  'Subplans Removed'?: number;
}

function relations(node: PlanNode): string[] {
  return [...(node['Relation Name'] ? [node['Relation Name']] : []), ...(node.Plans ?? []).flatMap(relations)];
}

async function plan(sql: string, params: unknown[]): Promise<PlanNode> {
  const { rows } = await test.db.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
  return rows[0]['QUERY PLAN'][0].Plan as PlanNode;
}

describe('partition pruning', () => {
  it('reads one partition for a lookup by id, as the repository writes it', async () => {
    const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
    const id = created.data?.createReservation.id ?? '';
    const date = reservationDateOfId(id);
    const { rows } = await test.db.pool.query(
      `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'reservations.reservations'::regclass`,
    );
    expect(rows[0].n).toBeGreaterThan(20);

    // The shape of findReservations (id IN … AND reservation_date IN …), with parameters.
    const pruned = await plan(
      'SELECT * FROM reservations.reservations WHERE id = ANY($1::uuid[]) AND reservation_date = ANY($2::date[])',
      [[id], [date]],
    );
    const month = `reservations_p${date?.slice(0, 4)}_${date?.slice(5, 7)}`;
    expect(relations(pruned)).toEqual([month]);

    // Without the date every partition is visited: what deriving the date saves.
    const unpruned = await plan('SELECT * FROM reservations.reservations WHERE id = $1::uuid', [id]);
    expect(relations(unpruned).length).toBe(rows[0].n);
  });
});
