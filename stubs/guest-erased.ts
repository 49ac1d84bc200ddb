/**
 * Stand-in for svc-guest-profiles' `guest.erased` event (the assumed contract of
 * docs/asyncapi.yaml). `npx tsx stubs/guest-erased.ts GUEST_ID` publishes one to KAFKA_BROKERS
 * (default localhost:9092); tests build the message with `guestErasedMessage`.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Kafka } from 'kafkajs';

export const GUEST_ERASED_TOPIC = 'novatrek.guest.profile.erased';

export function guestErasedMessage(
  guestId: string,
  eventId: string = randomUUID(),
  at: Date = new Date(),
): { key: string; value: string; headers: Record<string, string> } {
  return {
    key: guestId,
    value: JSON.stringify({ guestId, erasedAt: at.toISOString() }),
    headers: {
      ce_specversion: '1.0',
      ce_id: eventId,
      ce_type: 'guest.erased',
      ce_source: 'urn:novatrek:guest:svc-guest-profiles',
      ce_time: at.toISOString(),
      'content-type': 'application/json',
    },
  };
}

export async function publishGuestErased(brokers: string[], guestId: string): Promise<string> {
  const producer = new Kafka({ clientId: 'stub-guest-profiles', brokers }).producer();
  await producer.connect();
  try {
    const message = guestErasedMessage(guestId);
    await producer.send({ topic: GUEST_ERASED_TOPIC, messages: [message] });
    return message.headers.ce_id as string;
  } finally {
    await producer.disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const guestId = process.argv[2];
  if (!guestId) {
    console.error('usage: npx tsx stubs/guest-erased.ts GUEST_ID');
    process.exit(2);
  }
  const eventId = await publishGuestErased((process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','), guestId);
  console.log(`published guest.erased ${eventId} for guest ${guestId}`);
}
