import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { type RunningGateway, startGateway } from '../../gateway/index.js';
import { type PersistedQueryManifest, readManifest } from '../../gateway/persisted-operations.js';
import { supergraphPath } from '../../gateway/supergraph.js';
import { createLogger } from '../../src/observability/logger.js';
import { type RunningStubSubgraphs, startStubSubgraphs } from '../../stubs/subgraphs/index.js';
import { useService } from './service.js';
import { TEST_AUDIENCE, TEST_ISSUER } from './tokens.js';

export const GATEWAY_SECRET = 'e2e-gateway-shared-secret-0123456789abcdef';

export interface GatewayResponse<T = Record<string, unknown>> {
  status: number;
  body: { data?: T | null; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
}

/**
 * The whole supergraph for a test file: svc-reservations (real PostgreSQL, gateway secret on),
 * the guest-profiles and trip-catalog stub subgraphs, and the real gateway (@apollo/gateway)
 * serving the committed supergraph.graphql and partner manifest.
 */
export function useSupergraph(options: { production?: boolean } = {}) {
  const service = useService({ GATEWAY_SHARED_SECRET: GATEWAY_SECRET });
  const handle = {
    service,
    manifest: readManifest(),
    gateway: undefined as unknown as RunningGateway,
    /** POSTs a document (or a persisted operation id) to the gateway with the given token. */
    async request<T = Record<string, unknown>>(
      body: { query?: string; variables?: Record<string, unknown>; id?: string },
      token: string | null,
    ): Promise<GatewayResponse<T>> {
      const { id, ...rest } = body;
      const response = await fetch(handle.gateway.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ ...rest, ...(id && { extensions: { persistedQuery: { version: 1, sha256Hash: id } } }) }),
      });
      return { status: response.status, body: (await response.json()) as GatewayResponse<T>['body'] };
    },
    /** The id of a partner operation by name. */
    operationId(name: string): string {
      const operation = (handle.manifest as PersistedQueryManifest).operations.find((candidate) => candidate.name === name);
      if (!operation) throw new Error(`no partner operation ${name}`);
      return operation.id;
    },
  };
  let subgraphs: RunningStubSubgraphs;
  beforeAll(async () => {
    subgraphs = await startStubSubgraphs({ 'guest-profiles': 0, 'trip-catalog': 0 });
    handle.gateway = await startGateway({
      supergraphSdl: readFileSync(supergraphPath, 'utf8'),
      subgraphUrls: {
        reservations: service.service.url,
        'guest-profiles': subgraphs.urls['guest-profiles'],
        'trip-catalog': subgraphs.urls['trip-catalog'],
      },
      auth: { jwks: JSON.parse(service.tokens.jwks), issuer: TEST_ISSUER, audience: TEST_AUDIENCE },
      gatewaySecret: GATEWAY_SECRET,
      partnerManifest: handle.manifest,
      port: 0,
      host: '127.0.0.1',
      production: options.production ?? false,
      logger: createLogger(process.env.E2E_LOG_LEVEL ?? 'silent'),
    });
  });
  afterAll(async () => {
    await handle.gateway?.stop();
    await subgraphs?.stop();
  });
  return handle;
}
