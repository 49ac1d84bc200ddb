import { retentionCutoff } from '../domain/index.js';
import { addToReport, type ErasureReport, planErasure } from './erase-personal-data.js';
import type { PersonalDataStore } from './ports/personal-data-store.js';
import { type RecurringJob, recurring } from './recurring.js';

/**
 * Retention (README, Personal data): the personal data of reservations whose trip date is more
 * than `months` ago is erased like a guest's, one short transaction per reservation, a batch at a
 * time, so no lock is held long and a run can stop anywhere and resume.
 */

export interface RetentionOptions {
  months: number;
  batchSize: number;
  /** Batches of one run at most; the next run continues. */
  maxBatches: number;
}

export interface RetentionLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface RetentionReport extends ErasureReport {
  cutoff: string;
  batches: number;
}

export const RETENTION_ACTOR = 'system:retention';

export async function erasePastRetention(
  store: PersonalDataStore,
  options: RetentionOptions & { now: Date },
): Promise<RetentionReport> {
  const cutoff = retentionCutoff(options.now.toISOString().slice(0, 10), options.months);
  const report: RetentionReport = {
    guestId: null,
    cutoff,
    batches: 0,
    reservationsTouched: 0,
    participantsTouched: 0,
    fieldsCleared: 0,
    reservationIds: [],
  };
  const record = {
    guestId: null,
    actor: RETENTION_ACTOR,
    reason: `retention of ${options.months} months after the trip`,
    at: options.now,
  };
  while (report.batches < options.maxBatches) {
    const keys = await store.reservationsPastRetention(cutoff, options.batchSize);
    if (keys.length === 0) break;
    report.batches += 1;
    for (const key of keys)
      addToReport(report, await store.eraseReservation(key, record, (snapshot) => planErasure(snapshot, null)));
    if (keys.length < options.batchSize) break;
  }
  return report;
}

/** Runs retention at start and every `intervalMs`, and reports each run (metrics, logs). */
export function scheduleRetention(
  store: PersonalDataStore,
  options: RetentionOptions & { intervalMs: number; clock: () => Date; onRun?: (report: RetentionReport) => void },
  log: RetentionLog,
): RecurringJob<RetentionReport> {
  const run = () =>
    erasePastRetention(store, { ...options, now: options.clock() }).then((report) => {
      options.onRun?.(report);
      const { reservationIds: _ids, ...summary } = report;
      if (report.reservationsTouched > 0) log.info(summary, 'personal data past retention erased');
      return report;
    });
  return recurring(run, {
    intervalMs: options.intervalMs,
    onError: (error) => log.error({ err: error }, 'personal data retention failed; it will run again'),
    runAtStart: true,
  });
}
