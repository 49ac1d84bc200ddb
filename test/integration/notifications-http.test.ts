import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { CREATE, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

/**
 * A stand-in svc-notifications speaking docs/contracts/notifications.md: it answers 503 to the first
 * delivery of every key, then 202, and records what it was sent.
 */
interface Received {
  key: string | undefined;
  status: number;
  body: { template: string; reservationId: string; recipient: { email: string } };
}
const received: Received[] = [];
const seen = new Set<string>();
const stub: Server = createServer((request, response) => {
  let raw = '';
  request.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
  });
  request.on('end', () => {
    const key = request.headers['idempotency-key'] as string | undefined;
    const status = request.method === 'POST' && request.url === '/v1/notifications' ? (key && seen.has(key) ? 202 : 503) : 404;
    if (key) seen.add(key);
    received.push({ key, status, body: JSON.parse(raw || '{}') });
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(status === 202 ? '{}' : JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'try again' } }));
  });
});
await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

const test = useService({
  NOTIFICATIONS_URL: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`,
  OUTBOX_POLL_INTERVAL_MS: '100',
  NOTIFICATION_RETRY_BASE_MS: '200',
});

describe('notifications over HTTP', () => {
  it('reach svc-notifications with the outbox id as Idempotency-Key, retried after a failure', async () => {
    const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, { input: reservationInput() });
    const id = created.data?.createReservation.id ?? '';
    await test.graphql(`mutation C($input: TransitionInput!) { confirmReservation(input: $input) { rev } }`, {
      input: { id, expectedRev: 1 },
    });

    const accepted = () => received.filter((r) => r.status === 202 && r.body.reservationId === id);
    await expect
      .poll(
        () =>
          accepted()
            .map((r) => r.body.template)
            .sort(),
        { timeout: 20_000 },
      )
      .toEqual(['booking_confirmation', 'status_update']);
    for (const delivery of accepted()) {
      expect(delivery.key).toMatch(/^[0-9a-f-]{36}$/);
      expect(received.filter((r) => r.key === delivery.key).map((r) => r.status)).toEqual([503, 202]);
      expect(delivery.body.recipient.email).toBe('ada@example.com');
    }
  });
});
