import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { replayDeadLetters } from '../../src/events/dlq-replay.js';
import { readTopics, testKafka } from '../support/kafka-read.js';

/** The runbook's dead-letter replay against the real broker (topics of this test alone). */
const brokers = inject('kafkaBrokers');

describe('dead-letter replay', () => {
  it('lists on a dry run, then republishes each dead letter to its topic once, without the dlq_ headers', async () => {
    const suffix = randomUUID().slice(0, 8);
    const original = `test.payment.processed.${suffix}`;
    const deadLetters = `${original}.dlq`;
    const kafka = testKafka(brokers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: original }, { topic: deadLetters }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const ids = [randomUUID(), randomUUID()];
    await producer.send({
      topic: deadLetters,
      messages: ids.map((id) => ({
        key: `reservation-${id}`,
        value: JSON.stringify({ paymentId: id }),
        headers: { ce_id: id, ce_type: 'payment.processed', dlq_reason: 'unknown reservation', dlq_original_topic: original },
      })),
    });
    await producer.disconnect();
    const options = { deadLetterTopic: deadLetters, groupId: `replay-${suffix}`, idleMs: 1_500 };

    const dryRun = await replayDeadLetters(kafka, { ...options, dryRun: true });
    expect(dryRun.map((message) => message.ceId).sort()).toEqual([...ids].sort());
    expect(dryRun[0]?.reason).toBe('unknown reservation');

    const replayed = await replayDeadLetters(kafka, options);
    expect(replayed.map((message) => [message.ceId, message.topic]).sort()).toEqual(ids.map((id) => [id, original]).sort());
    const republished = await readTopics(brokers, [original], (messages) => messages.length >= 2, 20_000);
    expect(republished.map((message) => message.headers.ce_id).sort()).toEqual([...ids].sort());
    for (const message of republished) {
      expect(Object.keys(message.headers).filter((name) => name.startsWith('dlq_'))).toEqual([]);
      expect(message.key).toBe(`reservation-${message.headers.ce_id}`);
    }

    // Replayed once: a second run finds nothing new.
    expect(await replayDeadLetters(kafka, options)).toEqual([]);
  });
});
