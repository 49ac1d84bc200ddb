import type pg from 'pg';
import { type RecurringJob, recurring } from '../app/recurring.js';
import type { Logger } from '../observability/logger.js';
import { ensurePartitions, type MaintenanceReport } from './partitions.js';

/** Runs partition maintenance now and then every `intervalMs`, logging what it did and found. */
export function schedulePartitionMaintenance(
  pool: pg.Pool,
  options: { monthsAhead: number; intervalMs: number },
  logger: Logger,
): RecurringJob<MaintenanceReport> {
  const runNow = async (): Promise<MaintenanceReport> => {
    const client = await pool.connect();
    try {
      const report = await ensurePartitions(client, { monthsAhead: options.monthsAhead });
      logMaintenance(report, logger);
      return report;
    } finally {
      client.release();
    }
  };
  return recurring(runNow, {
    intervalMs: options.intervalMs,
    onError: (error) => logger.error({ err: error }, 'partition maintenance failed; it will run again'),
  });
}

export function logMaintenance(report: MaintenanceReport, logger: Logger): void {
  if (report.created.length > 0) logger.info({ created: report.created }, 'created partitions');
  if (report.paired.length > 0) logger.warn({ paired: report.paired }, 'paired status_history partitions left without their key');
  for (const failure of report.failed) logger.error(failure, 'could not create a partition (see Runbook: partitions)');
  for (const stray of report.strays) {
    logger.warn(stray, 'rows sit in a default partition; move them before their month can be partitioned (Runbook: partitions)');
  }
}
