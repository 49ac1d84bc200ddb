import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/db/migrations.js';
import { ensurePartitions } from '../../src/db/partitions.js';
import { startTestPostgres, withAdmin, withDatabase } from './postgres.js';

/**
 * Starts the real services once per test run: PostgreSQL (a template database with every
 * migration and partitions applied, cloned per test file) and an Apache Kafka broker in KRaft
 * mode (unless KAFKA_BROKERS names one).
 */

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
    pgRunPrefix: string;
    kafkaBrokers: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runPrefix = `svcres_test_${process.pid}_${Date.now().toString(36)}`;
  const template = `${runPrefix}_tpl`;

  const [postgres, kafka] = await Promise.all([startTestPostgres(), startKafka()]);
  process.stdout.write(`test services: PostgreSQL: ${postgres.source}; Kafka: ${kafka.brokers}\n`);

  await withAdmin(postgres.adminUrl, (admin) => admin.query(`CREATE DATABASE "${template}"`));
  const client = new pg.Client({ connectionString: withDatabase(postgres.adminUrl, template) });
  await client.connect();
  try {
    await migrate(client);
    // Two years back so tests can place bookings in the past; three months ahead as in service.
    const from = new Date();
    from.setUTCFullYear(from.getUTCFullYear() - 2);
    await ensurePartitions(client, { monthsAhead: 3, from });
  } finally {
    await client.end();
  }

  project.provide('pgAdminUrl', postgres.adminUrl);
  project.provide('pgTemplate', template);
  project.provide('pgRunPrefix', runPrefix);
  project.provide('kafkaBrokers', kafka.brokers);

  return async () => {
    await withAdmin(postgres.adminUrl, async (admin) => {
      const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
        `${runPrefix}%`,
      ]);
      for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    });
    await Promise.all([postgres.stop(), kafka.stop()]);
  };
}

async function startKafka(): Promise<{ brokers: string; stop(): Promise<void> }> {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, stop: async () => {} };
  // Loaded only when needed: the broker harness calls Maven and Java.
  const { startKafkaBroker } = await import('../../tools/kafka/broker.js');
  const broker = await startKafkaBroker();
  return { brokers: broker.brokers, stop: () => broker.stop() };
}
