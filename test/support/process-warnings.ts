import { createLogger } from '../../src/observability/logger.js';
import { logProcessWarnings } from '../../src/observability/warnings.js';

/**
 * Each integration test file's process (vitest's setupFiles), and the relay crash tests' child
 * process (relay-process.ts imports it), handles Node's warnings as the service does
 * (src/observability/warnings.ts): kafkajs's negative timer (kafkajs#1751, once a process that
 * connects to the broker) at debug, every other warning as a log line at warn. Without it the
 * test files that talk to Kafka printed Node's free-text warning into the test output, one each.
 */
logProcessWarnings(createLogger('warn', { component: 'test' }));
