import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { type RunningGateway, startGateway } from '../../gateway/index.js';
import { type PersistedQueryManifest, readManifest } from '../../gateway/persisted-operations.js';
import { type SubgraphName, supergraphPath } from '../../gateway/supergraph.js';
import { type RunningStubSubgraphs, startStubSubgraphs } from '../../stubs/subgraphs/index.js';
import { useService } from './service.js';
import { TEST_AUDIENCE, TEST_ISSUER } from './tokens.js';

export const GATEWAY_SECRET = 'e2e-gateway-shared-secret-0123456789abcdef';

export interface GatewayResponse<T = Record<string, unknown>> {
  status: number;
  body: { data?: T | null; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
}

/** A pass-through in front of a subgraph that counts the requests reaching it. */
interface CountingProxy {
  url: string;
  count: number;
  server: Server;
}

async function countingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const proxy = { url: '', count: 0, server: undefined as unknown as Server };
  proxy.server = createServer((incoming, outgoing) => {
    proxy.count += 1;
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: upstream.pathname,
        method: incoming.method,
        headers: incoming.headers,
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}${upstream.pathname}`;
  return proxy;
}

/**
 * The whole supergraph for a test file: svc-reservations (real PostgreSQL, gateway secret on),
 * the guest-profiles and trip-catalog stub subgraphs, each behind a request counter, and the real
 * gateway (Hive Gateway, gateway/runtime.ts) serving the committed supergraph.graphql and
 * partner manifest.
 */
export function useSupergraph(options: { production?: boolean } = {}) {
  const service = useService({ GATEWAY_SHARED_SECRET: GATEWAY_SECRET });
  const proxies = new Map<SubgraphName, CountingProxy>();
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
      return handle.post<T>(
        JSON.stringify({ ...rest, ...(id && { extensions: { persistedQuery: { version: 1, sha256Hash: id } } }) }),
        token,
      );
    },
    /** POSTs a raw body to the gateway. */
    async post<T = Record<string, unknown>>(body: string, token: string | null): Promise<GatewayResponse<T>> {
      const response = await fetch(handle.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text) as GatewayResponse<T>['body'] };
    },
    /** Requests that reached the subgraphs (through their counters) so far. */
    subgraphRequests(): number {
      return [...proxies.values()].reduce((total, proxy) => total + proxy.count, 0);
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
    proxies.set('reservations', await countingProxy(service.service.url));
    proxies.set('guest-profiles', await countingProxy(subgraphs.urls['guest-profiles']));
    proxies.set('trip-catalog', await countingProxy(subgraphs.urls['trip-catalog']));
    handle.gateway = await startGateway({
      supergraphSdl: readFileSync(supergraphPath, 'utf8'),
      subgraphUrls: Object.fromEntries([...proxies].map(([name, proxy]) => [name, proxy.url])),
      auth: { jwks: JSON.parse(service.tokens.jwks), issuer: TEST_ISSUER, audience: TEST_AUDIENCE },
      gatewaySecret: GATEWAY_SECRET,
      partnerManifest: handle.manifest,
      port: 0,
      host: '127.0.0.1',
      production: options.production ?? false,
      logging: (process.env.E2E_LOG_LEVEL as 'debug' | 'info' | undefined) ?? false,
    });
  });
  afterAll(async () => {
    await handle.gateway?.stop();
    for (const proxy of proxies.values()) {
      proxy.server.closeAllConnections();
      await new Promise((resolve) => proxy.server.close(resolve));
    }
    await subgraphs?.stop();
  });
  return handle;
}
