import type { Server } from 'node:http';
import type { Logger } from '../observability/logger.js';

/** What stops, in the order it must (each step awaited before the next). */
export interface StoppableParts {
  drainMs: number;
  /** Timers first: no new background work starts while the service drains. */
  timers: { stop(): void }[];
  server: Server;
  apollo: { stop(): Promise<void> };
  relay: { stop(): Promise<void> };
  /** The Kafka consumers (payment.processed, guest.erased), those configured. */
  consumers: ({ stop(): Promise<void> } | null)[];
  publisher: { close(): Promise<void> } | null;
  /** The HTTP clients of other services (their keep-alive connections), those configured. */
  clients: ({ close(): void } | null)[];
  prisma: { $disconnect(): Promise<void> };
  pool: { end(): Promise<void> };
  logger: Logger;
  /** Set at once: readiness fails and responses ask keep-alive clients to reconnect elsewhere. */
  onShutdownStarted: () => void;
}

/**
 * Graceful shutdown (README › Operations): a load balancer drains this instance before it stops
 * listening, requests in flight finish, and everything committed gets one more chance to leave
 * through the relay before the pool closes.
 */
export async function shutDown(parts: StoppableParts): Promise<void> {
  // 1. Say not ready and ask keep-alive clients to reconnect elsewhere, while still serving,
  //    so a load balancer drains this instance before it stops listening.
  parts.onShutdownStarted();
  for (const timer of parts.timers) timer.stop();
  await new Promise((resolve) => setTimeout(resolve, parts.drainMs));
  // 2. Stop accepting; requests in flight finish; idle keep-alive connections close.
  await new Promise<void>((resolve) => {
    parts.server.close(() => resolve());
    parts.server.closeIdleConnections();
  });
  await parts.apollo.stop();
  // Everything committed so far gets one more chance to leave before the pool closes.
  await parts.relay.stop();
  for (const consumer of parts.consumers) {
    await consumer?.stop().catch((error: unknown) => parts.logger.warn({ err: error }, 'a consumer did not stop cleanly'));
  }
  await parts.publisher?.close().catch(() => {});
  // Last of the outbound work (the relay's notifications, a consumer's calls) is done: idle
  // keep-alive sockets are unref'd and would not hold the process, but are closed all the same.
  for (const client of parts.clients) client?.close();
  await parts.prisma.$disconnect();
  await parts.pool.end();
}
