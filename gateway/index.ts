import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayConfigBase } from '@graphql-hive/gateway-runtime';
import { type GatewaySettings, gatewayOptions } from './runtime.js';

/**
 * Hive Gateway's runtime on a node:http server of our own: `npm run gateway` and the end-to-end
 * tests. The `hive-gateway` CLI serves the same options from gateway/gateway.config.ts.
 */

export interface GatewayServerOptions extends GatewaySettings {
  port: number;
  host: string;
  /** Hive's logging: a level, or false for none (tests). */
  logging: GatewayConfigBase<Record<string, unknown>>['logging'];
}

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

export async function startGateway(options: GatewayServerOptions): Promise<RunningGateway> {
  const runtime = createGatewayRuntime({ ...gatewayOptions(options), logging: options.logging });
  const server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await runtime.dispose();
    },
  };
}
