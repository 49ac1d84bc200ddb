import type { NotificationSender, OutboxNotification } from './outbox-relay.js';

/**
 * The HTTP client the sender posts with: src/clients' HttpTransport, handed in by the composition
 * root (adapters do not import one another). It reads the whole answer, so the connection is
 * reused, and rejects when there was none.
 */
export interface NotificationTransport {
  send(request: {
    method: 'POST';
    path: string;
    headers: Record<string, string>;
    body: string;
    signal: AbortSignal;
  }): Promise<{ status: number }>;
  close(): void;
}

/**
 * Delivers outbox notifications to svc-notifications (`POST /v1/notifications`, contract in
 * docs/contracts/notifications.md). The outbox row id is the Idempotency-Key: a retry after a
 * timeout cannot notify the guest twice. Anything but a 2xx throws, and the relay retries the
 * message later with backoff.
 */
export class HttpNotificationSender implements NotificationSender {
  constructor(
    private readonly transport: NotificationTransport,
    private readonly timeoutMs = 2_000,
  ) {}

  async send(notification: OutboxNotification): Promise<void> {
    const { status } = await this.transport.send({
      method: 'POST',
      path: '/v1/notifications',
      headers: { 'content-type': 'application/json', 'idempotency-key': notification.id },
      body: JSON.stringify(notification.payload),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (status < 200 || status > 299) throw new Error(`svc-notifications answered ${status} for ${notification.template}`);
  }

  /** Closes the connections to svc-notifications (shutdown). */
  close(): void {
    this.transport.close();
  }
}
