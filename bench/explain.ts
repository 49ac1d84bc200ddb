import { withClient } from './data-set.js';
import type { StatementCounts } from './servers/statement-counter.js';

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements the subgraph really sent during a read (their
 * text and parameters as captured in its process), run twice so the plan shown is a warm one.
 */

export interface ExplainedStatement {
  shape: string;
  sql: string;
  plan: string[];
  /** Index scans named in the plan (distinct index names, partitions folded into one name). */
  indexes: string[];
  partitionsScanned: number;
  planningMs: number | null;
  executionMs: number | null;
}

export async function explainSamples(databaseUrl: string, counts: StatementCounts): Promise<ExplainedStatement[]> {
  return withClient(databaseUrl, async (client) => {
    const explained: ExplainedStatement[] = [];
    for (const [shape, sample] of Object.entries(counts.samples)) {
      if (!/^SELECT/i.test(sample.text.trim())) continue;
      const explain = `EXPLAIN (ANALYZE, BUFFERS) ${sample.text}`;
      await client.query(explain, sample.values);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(explain, sample.values);
      const plan = rows.map((row) => row['QUERY PLAN']);
      const indexes = plan.flatMap((line) => {
        const match = /Index (?:Only )?Scan(?: Backward)? (?:using|on) (\S+)/.exec(line);
        return match?.[1] ? [match[1]] : [];
      });
      const partitions = plan.flatMap((line) =>
        line.includes('Scan') ? [...line.matchAll(/\b(reservations_(?:p\d{4}_\d{2}|default))\b(?!_)/g)].map((m) => m[1]) : [],
      );
      const number = (label: string) => {
        const line = plan.find((text) => text.startsWith(label));
        return line ? Number(/([\d.]+) ms/.exec(line)?.[1]) : null;
      };
      explained.push({
        shape,
        sql: sample.text.replace(/\s+/g, ' ').trim(),
        plan,
        indexes: [...new Set(indexes.map((index) => index.replace(/_p\d{4}_\d{2}_/, '_pYYYY_MM_')))],
        partitionsScanned: new Set(partitions).size,
        planningMs: number('Planning Time'),
        executionMs: number('Execution Time'),
      });
    }
    return explained;
  });
}
