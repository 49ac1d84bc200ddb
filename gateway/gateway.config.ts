/**
 * Hive Gateway's configuration file, for its CLI (docker compose, production):
 *   npx hive-gateway supergraph -c gateway/gateway.config.ts
 * The same options as `npm run gateway` and the end-to-end tests (gateway/runtime.ts), from the
 * same environment (gateway/config.ts; .env.example). The CLI serves the supergraph file named
 * by SUPERGRAPH_PATH, routed to the *_SUBGRAPH_URL addresses.
 */
import { defineConfig } from '@graphql-hive/gateway';
import { loadGatewayConfig } from './config.js';
import { gatewayOptions } from './runtime.js';
import { gatewaySettings, hiveLogLevel } from './settings.js';

const config = loadGatewayConfig();
const { developmentToken, ...settings } = await gatewaySettings(config);
if (developmentToken)
  console.warn(`AUTH_JWKS is not set: development keys in use; as staff send "Authorization: ${developmentToken}"`);

export const gatewayConfig = defineConfig({
  ...gatewayOptions(settings),
  port: config.http.port,
  host: config.http.host,
  logging: hiveLogLevel(config.logLevel),
  // SIGTERM: finish the requests in flight before closing (the CLI's default closes at once).
  gracefulShutdownTimeout: 5_000,
});
