import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'svc-reservations', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.password', '*.authorization', 'req.headers.authorization', 'databaseUrl'], censor: '[redacted]' },
  });
}
