import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { diffFacts, factsFromDatabase, factsFromPrisma, readDatamodel } from '../support/schema-drift.js';

const schemaPath = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));

describe('schema.prisma and the migrated database', () => {
  let db: TestDatabase;
  let databaseFacts: Set<string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const client = await db.pool.connect();
    try {
      databaseFacts = await factsFromDatabase(client, 'reservations');
    } finally {
      client.release();
    }
  });
  afterAll(() => db.drop());

  it('agree on every table, column, type, nullability, enum, index and foreign key', () => {
    const drift = diffFacts(factsFromPrisma(readDatamodel(schemaPath), 'reservations'), databaseFacts);
    expect(drift).toEqual({ onlyInPrisma: [], onlyInDatabase: [] });
  });

  it('see the domain tables and the (guest_id, trip_date) index', () => {
    expect(databaseFacts).toContain('table reservations');
    expect(databaseFacts).toContain('table participants');
    expect(databaseFacts).toContain('table status_history');
    expect(databaseFacts).toContain('index reservations(guest_id,trip_date)');
    expect(databaseFacts).toContain('column reservations._rev integer not null');
  });

  it('disagree as soon as a column is added to schema.prisma alone', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'drift-'));
    const altered = path.join(dir, 'schema.prisma');
    copyFileSync(schemaPath, altered);
    const source = readFileSync(altered, 'utf8').replace(
      '  notes            String?           @db.VarChar(2000)\n',
      '  notes            String?           @db.VarChar(2000)\n  loyaltyTier      String?           @map("loyalty_tier")\n',
    );
    expect(source).toContain('loyalty_tier');
    writeFileSync(altered, source);

    const drift = diffFacts(factsFromPrisma(readDatamodel(altered), 'reservations'), databaseFacts);
    expect(drift.onlyInPrisma).toEqual(['column reservations.loyalty_tier text null']);
    expect(drift.onlyInDatabase).toEqual([]);
  });

  it('disagree when a column changes nullability or type', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'drift-'));
    const altered = path.join(dir, 'schema.prisma');
    const source = readFileSync(schemaPath, 'utf8').replace(
      'contactPhone     String?           @map("contact_phone") @db.VarChar(32)',
      'contactPhone     String            @map("contact_phone") @db.VarChar(40)',
    );
    writeFileSync(altered, source);
    const drift = diffFacts(factsFromPrisma(readDatamodel(altered), 'reservations'), databaseFacts);
    expect(drift.onlyInPrisma).toEqual(['column reservations.contact_phone character varying(40) not null']);
    expect(drift.onlyInDatabase).toEqual(['column reservations.contact_phone character varying(32) null']);
  });

  it('disagree when one history partition lacks the key to its reservations partition', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        'ALTER TABLE reservations.status_history_default DROP CONSTRAINT status_history_default_reservation_fkey',
      );
      const facts = await factsFromDatabase(client, 'reservations');
      await client.query('ROLLBACK');
      const drift = diffFacts(factsFromPrisma(readDatamodel(schemaPath), 'reservations'), facts);
      expect(drift.onlyInPrisma).toEqual([
        'foreign key status_history(reservation_id,reservation_date) -> reservations(id,reservation_date)',
      ]);
      expect(drift.onlyInDatabase).toEqual([]);
    } finally {
      client.release();
    }
  });
});
