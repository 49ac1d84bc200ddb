import { trace } from '@opentelemetry/api';
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'svc-reservations', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Log lines written inside a traced request carry its trace id.
    mixin: () => {
      const traceId = trace.getActiveSpan()?.spanContext().traceId;
      return traceId ? { trace_id: traceId } : {};
    },
    redact: { paths: ['*.password', '*.authorization', 'req.headers.authorization', 'databaseUrl'], censor: '[redacted]' },
  });
}
