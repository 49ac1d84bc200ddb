import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HttpTransport } from '../clients/transport.js';
import type { Config } from '../config.js';
import { HttpNotificationSender } from '../events/notification-sender.js';
import type { RelayOptions } from '../events/outbox-relay.js';
import type { Logger } from '../observability/logger.js';

/**
 * The outbox relay on a thread of its own (OUTBOX_RELAY_THREAD): the same OutboxRelay, leader-
 * elected by the same lease, with its own pool and Kafka producer, so its claim, publish and mark
 * round trips do not queue behind requests on a saturated event loop (commit-to-Kafka p99 was
 * 300–500 ms with the API flat out, BENCHMARKS.md). The worker is started again if it dies: what
 * it had not published stays in the outbox.
 */

/** What the service and its shutdown need of a relay, inline or on its thread. */
export interface Relay {
  start(): void;
  /** Stops after the batch in flight, tries one last drain, gives up the leadership. */
  stop(): Promise<void>;
  isLeader(): boolean;
  drainAll(): Promise<number>;
}

export function relayOptionsOf(config: Config): RelayOptions {
  return {
    batchSize: config.outbox.batchSize,
    pollIntervalMs: config.outbox.pollIntervalMs,
    maxBackoffMs: config.outbox.maxBackoffMs,
    retentionMs: config.outbox.retentionHours * 3_600_000,
    purgeIntervalMs: 3_600_000,
    notificationBackoffMs: config.outbox.notifications.retryBaseMs,
    leaseMs: config.outbox.relayLeaseMs,
    gatherMs: config.outbox.gatherMs,
  };
}

/** The relay's sender of notifications, over connections of its own; none without NOTIFICATIONS_URL. */
export function notificationSender(config: Config): HttpNotificationSender | null {
  const url = config.outbox.notifications.url;
  return url ? new HttpNotificationSender(new HttpTransport(url)) : null;
}

export interface RelayWorkerData {
  config: Config;
  databaseUrl: string;
}

export type RelayWorkerMessage =
  | { type: 'leader'; leader: boolean }
  | { type: 'drained'; id: number; count?: number; error?: string }
  | { type: 'stopped' };

export type RelayWorkerCommand = { type: 'drain'; id: number } | { type: 'stop' };

/** The worker's module beside this one: .ts under tsx and in tests, .js when built. */
function workerScript(): { url: URL; execArgv: string[] } {
  const extension = extname(fileURLToPath(import.meta.url));
  const url = new URL(`./relay-worker${extension}`, import.meta.url);
  const needsTsx = extension === '.ts' && !process.execArgv.some((arg) => arg.includes('tsx'));
  return { url, execArgv: needsTsx ? [...process.execArgv, '--import', 'tsx'] : process.execArgv };
}

const RESTART_DELAY_MS = 1_000;

export class ThreadRelay implements Relay {
  private worker: Worker | null = null;
  private running = false;
  private leader = false;
  private nextId = 1;
  private readonly drains = new Map<number, { resolve: (count: number) => void; reject: (error: Error) => void }>();
  private restart: NodeJS.Timeout | null = null;

  constructor(
    private readonly data: RelayWorkerData,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.spawn();
  }

  private spawn(): void {
    const { url, execArgv } = workerScript();
    const worker = new Worker(url, { workerData: this.data, execArgv });
    this.worker = worker;
    worker.on('message', (message: RelayWorkerMessage) => {
      if (message.type === 'leader') this.leader = message.leader;
      // Stopped and the lease handed back: nothing of it is left to wait for (a tracer's timers).
      if (message.type === 'stopped') void worker.terminate();
      if (message.type === 'drained') {
        const waiting = this.drains.get(message.id);
        this.drains.delete(message.id);
        if (message.error !== undefined) waiting?.reject(new Error(message.error));
        else waiting?.resolve(message.count ?? 0);
      }
    });
    worker.on('error', (error) => this.logger.error({ err: error }, 'the outbox relay thread failed'));
    worker.on('exit', (code) => {
      this.worker = null;
      this.leader = false;
      for (const waiting of this.drains.values()) waiting.reject(new Error('the outbox relay thread exited'));
      this.drains.clear();
      if (!this.running) return;
      this.logger.error({ code }, 'the outbox relay thread exited; starting it again');
      this.restart = setTimeout(() => {
        this.restart = null;
        if (this.running) this.spawn();
      }, RESTART_DELAY_MS);
    });
  }

  isLeader(): boolean {
    return this.leader;
  }

  drainAll(): Promise<number> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the outbox relay thread is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.drains.set(id, { resolve, reject });
      worker.postMessage({ type: 'drain', id } satisfies RelayWorkerCommand);
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.restart) clearTimeout(this.restart);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies RelayWorkerCommand);
    await exited;
    this.leader = false;
  }
}
