import type { NotificationSender, OutboxNotification } from './outbox-relay.js';

/**
 * Delivers outbox notifications to svc-notifications (`POST /v1/notifications`, contract in
 * docs/contracts/notifications.md). The outbox row id is the Idempotency-Key: a retry after a
 * timeout cannot notify the guest twice. Anything but a 2xx throws, and the relay retries the
 * message later with backoff.
 */
export class HttpNotificationSender implements NotificationSender {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 2_000,
  ) {}

  async send(notification: OutboxNotification): Promise<void> {
    const response = await fetch(new URL('/v1/notifications', this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': notification.id },
      body: JSON.stringify(notification.payload),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`svc-notifications answered ${response.status} for ${notification.template}`);
  }
}
