/**
 * A background job of the service (deposit sweep, personal-data retention, partition maintenance):
 * run on demand or every `intervalMs`, one run at a time — `runNow()` during a run returns that
 * run. A failed run is reported and the next interval tries again; `runAtStart` also starts one at
 * once, in the background, reported the same way. The timer does not keep the process alive;
 * `stop()` ends it (graceful shutdown).
 */
export interface RecurringJob<R> {
  runNow(): Promise<R>;
  stop(): void;
}

export function recurring<R>(
  run: () => Promise<R>,
  options: { intervalMs: number; onError: (error: unknown) => void; runAtStart?: boolean },
): RecurringJob<R> {
  let running: Promise<R> | null = null;
  const runNow = (): Promise<R> => {
    running ??= run().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => runNow().catch(options.onError), options.intervalMs);
  timer.unref();
  if (options.runAtStart) runNow().catch(options.onError);
  return { runNow, stop: () => clearInterval(timer) };
}
