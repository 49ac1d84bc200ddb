import { describe, expect, it } from 'vitest';
import type { NotificationSender, OutboxNotification } from '../../src/events/outbox-relay.js';
import { CREATE, participantInput, reservationInput } from '../support/factories.js';
import { useService } from '../support/service.js';

/**
 * Notifications leave through the same outbox as the events. The sender here stands in for the
 * notifications client (the port the relay calls): it fails the first attempt of every message,
 * so each one must be retried, under the same idempotency key.
 */
const attempts: OutboxNotification[] = [];
const failedOnce = new Set<string>();
const sender: NotificationSender = {
  async send(notification) {
    attempts.push(notification);
    if (!failedOnce.has(notification.id)) {
      failedOnce.add(notification.id);
      throw new Error('notifications service unavailable');
    }
  },
};

const test = useService({ OUTBOX_POLL_INTERVAL_MS: '100', NOTIFICATION_RETRY_BASE_MS: '200' }, { notifier: sender });

describe('notifications through the outbox', () => {
  it('sends booking confirmation, status updates and insurance confirmation, retrying each under its own key', async () => {
    const created = await test.graphql<{ createReservation: { id: string } }>(CREATE, {
      input: reservationInput({
        participants: [participantInput({ insurance: { plan: 'STANDARD', premiumCents: 4900, currency: 'EUR' } })],
      }),
    });
    const id = created.data?.createReservation.id ?? '';
    await test.graphql(`mutation C($input: TransitionInput!) { confirmReservation(input: $input) { rev } }`, {
      input: { id, expectedRev: 1 },
    });

    const delivered = () => {
      const mine = attempts.filter((attempt) => attempt.payload.reservationId === id);
      return mine.filter((attempt, index) => mine.findIndex((other) => other.id === attempt.id) !== index);
    };
    await expect
      .poll(
        () =>
          delivered()
            .map((n) => n.template)
            .sort(),
        { timeout: 20_000 },
      )
      .toEqual(['booking_confirmation', 'insurance_confirmation', 'status_update']);
    for (const notification of delivered()) {
      expect(notification.payload).toMatchObject({ recipient: { email: 'ada@example.com' }, reservationId: id });
    }
    const { rows } = await test.db.pool.query(
      `SELECT type, attempts, published_at IS NOT NULL AS delivered, last_error FROM reservations.outbox
        WHERE aggregate_id = $1 AND kind = 'notification' ORDER BY seq`,
      [id],
    );
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatchObject({ attempts: 2, delivered: true, last_error: null });
  });
});
