import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { startService } from '../../src/service.js';
import { announceReady, answer, onStop, requiredEnv } from './child.js';
import { installStatementCounter, setCounting, takeCommits, takeCounts } from './statement-counter.js';

/**
 * The service under test, exactly as `npm start` runs it (startService, JWT auth, stubs over
 * HTTP, Kafka when KAFKA_BROKERS is set), alone in its process, with its SQL statements counted.
 */

installStatementCounter();
const service = await startService({
  config: loadConfig({ ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', SHUTDOWN_DRAIN_MS: '0' }),
  databaseUrl: requiredEnv('DATABASE_URL'),
  logger: createLogger(process.env.LOG_LEVEL ?? 'warn'),
});
answer('statements', takeCounts);
answer('count:on', () => setCounting(true));
answer('count:off', () => setCounting(false));
answer('commits', takeCommits);
announceReady({ port: service.port });
onStop(() => service.stop());
