/**
 * `npm run dlq:replay -- [--dry-run] [--limit N]`: publishes the dead letters of
 * payment.processed back to their topic (KAFKA_BROKERS), once each. See README, Runbook.
 */
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { replayDeadLetters } from '../src/events/dlq-replay.js';

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, limit: { type: 'string' } } });
const brokers = process.env.KAFKA_BROKERS;
if (!brokers) {
  console.error('KAFKA_BROKERS is not set: name the cluster whose dead letters to replay.');
  process.exit(2);
}
const kafka = new Kafka({ clientId: 'svc-reservations-dlq-replay', brokers: brokers.split(','), logLevel: logLevel.WARN });
const replayed = await replayDeadLetters(kafka, {
  dryRun: values['dry-run'],
  ...(values.limit && { limit: Number(values.limit) }),
});
for (const message of replayed)
  console.log(
    `${values['dry-run'] ? 'would replay' : 'replayed'} ${message.ceId ?? '(no ce_id)'} to ${message.topic}: ${message.reason}`,
  );
console.log(`${replayed.length} message(s) ${values['dry-run'] ? 'to replay' : 'replayed'}`);
