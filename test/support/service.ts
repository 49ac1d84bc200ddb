import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { NotificationSender } from '../../src/events/outbox-relay.js';
import { createLogger } from '../../src/observability/logger.js';
import { type Service, startService } from '../../src/service.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestService {
  service: Service;
  db: TestDatabase;
  /** Sends one GraphQL operation over HTTP, as a gateway would. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
}

/** The real subgraph on a random port over this file's own database. */
export function useService(env: Record<string, string> = {}, options: { notifier?: NotificationSender } = {}): TestService {
  const handle = {} as TestService;
  beforeAll(async () => {
    const db = await createTestDatabase();
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SHUTDOWN_DRAIN_MS: '0',
      ...env,
    });
    const service = await startService({
      config,
      databaseUrl: db.url,
      logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      notifier: options.notifier ?? null,
    });
    handle.db = db;
    handle.service = service;
    handle.graphql = async (query, variables, headers) => {
      const response = await fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResult<never>;
    };
  });
  afterAll(async () => {
    await handle.service?.stop();
    await handle.db?.drop();
  });
  return handle;
}
