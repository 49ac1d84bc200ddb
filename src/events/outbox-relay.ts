import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  claimOutbox,
  inTransaction,
  listenForOutbox,
  purgePublished,
  recordPublishFailure,
  scheduleRetry,
} from '../db/outbox-repository.js';
import {
  enterLeaseTransaction,
  fence,
  LeaseLostError,
  markPublished,
  type RelayLease,
  relayApplicationName,
  releaseLease,
  renewLease,
  takeLease,
} from '../db/relay-lease.js';
import type { Logger } from '../observability/logger.js';
import { exponentialDelay } from './backoff.js';
import type { EventPublisher } from './kafka.js';

/**
 * Delivers the outbox after commit. One instance at a time is the relay, so the events of a
 * reservation leave in the order they were written. Leadership is a lease the leader renews by the
 * database clock (src/db/relay-lease.ts): a killed or frozen leader loses it within `leaseMs`, and
 * the follower that takes it over terminates the old leader's connections before it publishes,
 * so rows the old one had claimed are released, not skipped. Every claiming transaction checks
 * the lease first, and marks only under its epoch. Batches are claimed `FOR UPDATE SKIP LOCKED`.
 * Woken by NOTIFY at commit, with a polling fallback. Delivery is at least once: a crash between
 * publish and the mark, or a frozen leader that thaws mid-publish, publishes again, and consumers
 * deduplicate on the event id (`ce_id`).
 */

export interface OutboxNotification {
  id: string;
  template: string;
  payload: Record<string, unknown>;
}

export interface NotificationSender {
  /** Idempotent by `id`; throws when the delivery should be retried. */
  send(notification: OutboxNotification): Promise<void>;
}

export interface RelayOptions {
  batchSize: number;
  pollIntervalMs: number;
  maxBackoffMs: number;
  /** How long published rows stay (for audit and replay) before the purge deletes them. */
  retentionMs: number;
  purgeIntervalMs: number;
  /** First retry delay of a failed notification; doubles per attempt, capped at an hour. */
  notificationBackoffMs: number;
  /** How long leadership lasts without renewal (renewed every third of it): a frozen leader stalls events about this long. */
  leaseMs: number;
  /**
   * Under load (commits came while the last drain ran, or it found more than one row of a kind),
   * a commit's wake-up waits this long before
   * draining, so the next batch gathers the commits meanwhile: one claim, publish and mark
   * transaction for many bookings instead of one each. Idle, a commit is drained at once.
   */
  gatherMs: number;
}

export const defaultRelayOptions: RelayOptions = {
  batchSize: 200,
  pollIntervalMs: 1_000,
  maxBackoffMs: 30_000,
  retentionMs: 7 * 24 * 3_600_000,
  purgeIntervalMs: 3_600_000,
  notificationBackoffMs: 5_000,
  leaseMs: 3_000,
  gatherMs: 10,
};

/** How long a take-over waits for each terminated connection of the old leader to end. */
const FENCE_WAIT_MS = 2_000;

export class OutboxRelay {
  private session: pg.Client | null = null;
  /** The lease while this instance holds it. */
  private lease: RelayLease | null = null;
  /** The holder the lease was taken from, until its connections are gone: no publishing before. */
  private unfenced: string | null = null;
  private renewal: NodeJS.Timeout | null = null;
  private renewing = false;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** A NOTIFY came while draining: the rows it announces may have been missed, drain again at once. */
  private woken = false;
  /** Whether a NOTIFY may end the current sleep (stop() always may). */
  private wakeOnCommit = false;
  private failures = 0;
  /** The most rows of one kind the last drain delivered: more than one means commits come faster than drains. */
  private lastDrained = 0;
  /** While Kafka or the database fails: twice the poll interval, doubling, up to maxBackoffMs. */
  private readonly retryDelay: (retry: number) => number;
  /** Per notification, from its attempts: notificationBackoffMs, doubling, up to an hour. */
  private readonly notificationDelay: (retry: number) => number;
  /** Random per session: names the lease holder and the relay's connections. */
  private holder = '';
  private lastPurge = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
    private readonly publisher: EventPublisher | null,
    private readonly notifier: NotificationSender | null,
    private readonly logger: Logger,
    private readonly options: RelayOptions = defaultRelayOptions,
  ) {
    this.retryDelay = exponentialDelay({ initialMs: options.pollIntervalMs * 2, maxMs: options.maxBackoffMs });
    this.notificationDelay = exponentialDelay({ initialMs: options.notificationBackoffMs, maxMs: 3_600_000 });
  }

  isLeader(): boolean {
    return this.lease !== null && this.unfenced === null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in flight, tries one last drain, and gives up the leadership. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.isLeader())
      await this.drainAll().catch((error: unknown) => this.logger.warn({ err: error }, 'final outbox drain failed'));
    // Handing the lease back lets a follower lead at its next poll instead of after the expiry.
    const { lease, session } = this;
    if (lease && session)
      await releaseLease(session, lease).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'could not release the relay lease'),
      );
    await this.closeSession();
  }

  /** Publishes everything pending now (one batch after another); the count published. */
  async drainAll(): Promise<number> {
    const { events, notifications } = await this.drainBoth();
    return events + notifications;
  }

  private async drainBoth(): Promise<{ events: number; notifications: number }> {
    // Events and notifications fail independently: a broker outage must not hold notifications.
    const [events, notifications] = await Promise.allSettled([
      this.drainKind(() => this.publishEvents()),
      this.drainKind(() => this.deliverNotifications()),
    ]);
    for (const outcome of [events, notifications]) if (outcome.status === 'rejected') throw outcome.reason;
    return {
      events: events.status === 'fulfilled' ? events.value : 0,
      notifications: notifications.status === 'fulfilled' ? notifications.value : 0,
    };
  }

  private async drainKind(batch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await batch();
      total += count;
      if (count < this.options.batchSize) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay = this.options.pollIntervalMs;
      let drained = false;
      this.woken = false;
      try {
        if (await this.ensureLeadership()) {
          const delivered = await this.drainBoth();
          // One booking writes an event and a notification: load is more than one of a kind.
          this.lastDrained = Math.max(delivered.events, delivered.notifications);
          await this.purgeIfDue();
          this.failures = 0;
          drained = true;
        }
      } catch (error) {
        if (error instanceof LeaseLostError) {
          // Not a delivery failure: follow, from a fresh session with a new holder id.
          this.logger.warn({ err: error }, 'outbox relay lost its lease; following');
          await this.closeSession();
        } else {
          this.failures++;
          delay = this.retryDelay(this.failures);
          this.logger.warn({ err: error, retryInMs: delay }, 'outbox relay could not deliver; the events stay in the outbox');
        }
      }
      // Commits wake only a relay that is leading and healthy: a follower just polls for the lease,
      // and one backing off from a Kafka outage keeps its backoff whatever the commit rate.
      await this.sleep(delay, drained);
    }
  }

  private sleep(ms: number, wakeOnCommit: boolean): Promise<void> {
    // Under load — commits came while draining, or the last drain found more than one of a kind —
    // a commit's wake-up lets the batch gather for gatherMs (see RelayOptions).
    const gather = wakeOnCommit && (this.woken || this.lastDrained > 1) ? this.options.gatherMs : 0;
    // A NOTIFY that arrived while draining announces rows the drain may have missed.
    if (wakeOnCommit && this.woken) return gather > 0 ? this.gatherFor(gather) : Promise.resolve();
    return new Promise((resolve) => {
      let timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake =
        gather > 0
          ? () => {
              // A commit: gather for a moment (later commits do not shorten it); stop() ends it.
              if (!this.running) return done();
              clearTimeout(timer);
              timer = setTimeout(done, gather);
              this.wake = done;
              this.wakeOnCommit = false;
            }
          : done;
      this.wakeOnCommit = wakeOnCommit;
    });
  }

  /** Waits `ms`, unless stop() ends the wait first. */
  private gatherFor(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
      this.wakeOnCommit = false;
    });
  }

  /**
   * A dedicated session: it LISTENs, takes and renews the lease. Its application_name names the
   * holder, so a relay that takes the lease over can find and end this session and its claims.
   */
  private async ensureLeadership(): Promise<boolean> {
    if (!this.session) {
      const holder = randomUUID();
      const session = new pg.Client({ connectionString: this.connectionString, application_name: relayApplicationName(holder) });
      session.on('error', (error) => {
        this.logger.warn({ err: error }, 'outbox relay session lost; leadership released');
        void this.closeSession();
      });
      session.on('notification', () => {
        this.woken = true;
        if (this.wakeOnCommit) this.wake?.();
      });
      await session.connect();
      await listenForOutbox(session);
      this.session = session;
      this.holder = holder;
    }
    if (!this.lease) {
      const taken = await takeLease(this.session, this.holder, this.options.leaseMs);
      if (!taken) return false;
      this.lease = taken.lease;
      this.unfenced = taken.previous;
      this.renewal = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
      this.logger.info({ epoch: taken.lease.epoch, previous: taken.previous }, 'this instance took the outbox relay lease');
    }
    if (this.unfenced) {
      if (!(await fence(this.session, this.unfenced, FENCE_WAIT_MS))) return false;
      this.unfenced = null;
      this.logger.info({ epoch: this.lease.epoch }, 'this instance is now the outbox relay');
    }
    return true;
  }

  private async renew(): Promise<void> {
    const { lease, session } = this;
    if (!lease || !session || this.renewing) return;
    this.renewing = true;
    try {
      if (!(await renewLease(session, lease, this.options.leaseMs)) && this.lease === lease) {
        this.logger.warn({ epoch: lease.epoch }, 'outbox relay lease taken over; following');
        await this.closeSession();
      }
    } catch (error) {
      // The lease runs out on its own if this goes on; the session's error handler covers a lost connection.
      this.logger.warn({ err: error }, 'could not renew the outbox relay lease');
    } finally {
      this.renewing = false;
    }
  }

  private async closeSession(): Promise<void> {
    const session = this.session;
    this.session = null;
    this.lease = null;
    this.unfenced = null;
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
    if (session) await session.end().catch(() => {});
  }

  private async publishEvents(): Promise<number> {
    const publisher = this.publisher;
    if (!publisher) return 0;
    const outcome = await this.inLeaseTransaction(async (client, lease) => {
      const rows = await claimOutbox(client, 'event', this.options.batchSize);
      if (rows.length === 0) return { published: 0 };
      const seqs = rows.map((row) => row.seq);
      try {
        await publisher.publish(
          rows.map((row) => ({
            id: row.id,
            type: row.type,
            topic: row.destination,
            key: row.aggregate_id,
            payload: row.payload,
            time: row.created_at,
            headers: row.headers,
          })),
        );
      } catch (error) {
        // Recorded on the claiming connection: these rows are locked by it.
        await recordPublishFailure(client, seqs, describe(error));
        return { published: 0, error };
      }
      await markPublished(client, lease, seqs, { clearError: false });
      return { published: rows.length };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.published;
  }

  private async deliverNotifications(): Promise<number> {
    const notifier = this.notifier;
    if (!notifier) return 0;
    return this.inLeaseTransaction(async (client, lease) => {
      const rows = await claimOutbox(client, 'notification', this.options.batchSize);
      const outcomes = await Promise.allSettled(
        rows.map((row) => notifier.send({ id: row.id, template: row.destination, payload: row.payload })),
      );
      const delivered: string[] = [];
      for (const [index, outcome] of outcomes.entries()) {
        const row = rows[index];
        if (!row) continue;
        if (outcome.status === 'fulfilled') {
          delivered.push(row.seq);
        } else {
          // Backoff per message: 5 s, 10 s, 20 s … up to an hour (by default).
          const delaySeconds = this.notificationDelay(row.attempts + 1) / 1000;
          await scheduleRetry(client, row.seq, describe(outcome.reason), delaySeconds);
        }
      }
      await markPublished(client, lease, delivered, { clearError: true });
      return rows.length;
    });
  }

  private async purgeIfDue(): Promise<void> {
    if (Date.now() - this.lastPurge < this.options.purgeIntervalMs) return;
    this.lastPurge = Date.now();
    const seconds = Math.round(this.options.retentionMs / 1000);
    const purged = await purgePublished(this.pool, seconds);
    if (purged) this.logger.info({ purged }, 'purged published outbox rows past retention');
  }

  /** A claiming transaction under the lease held now (LeaseLostError when none is). */
  private async inLeaseTransaction<T>(work: (client: pg.PoolClient, lease: RelayLease) => Promise<T>): Promise<T> {
    const lease = this.isLeader() ? this.lease : null;
    if (!lease) throw new LeaseLostError('this instance does not hold the outbox relay lease');
    return inTransaction(this.pool, async (client) => {
      await enterLeaseTransaction(client, lease);
      return work(client, lease);
    });
  }
}

function describe(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);
}
