import type { Logger } from './logger.js';

/**
 * Node's process warnings (deprecations, negative timers, listener leaks) as log lines of the
 * service's own logger, instead of the free text Node prints on stderr, which a log pipeline that
 * reads JSON lines cannot parse.
 *
 * One is known and harmless: kafkajs 2.2.4 (its last release) schedules its request queue's
 * recheck with `throttledUntil - Date.now()` while `throttledUntil` is -1, and Node 24 warns
 * (TimeoutNegativeWarning, kafkajs issue #1751; once a process, at the first connection), then
 * uses 1 ms — the immediate recheck kafkajs meant. It goes to debug; every other warning to warn.
 *
 * Replaces Node's own printer (the 'warning' listener Node installs at startup), so each warning
 * is written once, and at LOG_LEVEL. Call once per thread: a worker thread has a process object of
 * its own.
 */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    const fields = { warning: { name: warning.name, code: warning.code, message: warning.message, stack: warning.stack } };
    if (isKafkaJsNegativeTimeout(warning))
      logger.debug(fields, 'kafkajs scheduled a negative timeout (kafkajs#1751); Node used 1 ms');
    else logger.warn(fields, `process warning: ${warning.name}`);
  });
}

function isKafkaJsNegativeTimeout(warning: Error): boolean {
  return warning.name === 'TimeoutNegativeWarning' && /[\\/]kafkajs[\\/]/.test(warning.stack ?? '');
}
