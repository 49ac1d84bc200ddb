import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { NotificationSender } from '../../src/events/outbox-relay.js';
import { createLogger } from '../../src/observability/logger.js';
import { type Service, startService } from '../../src/service.js';
import { bookingServiceUrls, type RunningStubs, startStubs } from '../../stubs/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { authEnv, createTestTokens, type TestTokens } from './tokens.js';

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestService {
  service: Service;
  db: TestDatabase;
  tokens: TestTokens;
  /** The stand-ins for guest profiles, trip catalog, payments and notifications. */
  stubs: RunningStubs;
  /** A staff token (subject `test-staff`), sent by `graphql` unless the headers name another. */
  staffToken: string;
  /**
   * Sends one GraphQL operation over HTTP, as the gateway would: with the staff token unless
   * `headers.authorization` is given (an empty string sends none).
   */
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
    const tokens = await createTestTokens();
    const stubs = await startStubs({ 'guest-profiles': 0, 'trip-catalog': 0, payments: 0, notifications: 0 });
    handle.stubs = stubs;
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SHUTDOWN_DRAIN_MS: '0',
      ...bookingServiceUrls(stubs),
      DEPENDENCY_TIMEOUT_MS: '500',
      DEPENDENCY_RETRIES: '1',
      ...authEnv(tokens),
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
    handle.tokens = tokens;
    handle.staffToken = await tokens.sign('staff');
    handle.graphql = async (query, variables, headers = {}) => {
      const { authorization = `Bearer ${handle.staffToken}`, ...rest } = headers;
      const response = await fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}), ...rest },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResult<never>;
    };
  });
  afterAll(async () => {
    await handle.service?.stop();
    await handle.stubs?.stop();
    await handle.db?.drop();
  });
  return handle;
}
