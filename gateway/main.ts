/**
 * `npm run gateway`: the supergraph on http://localhost:4000/graphql — svc-reservations (`npm
 * start`) with the guest-profiles and trip-catalog stub subgraphs (started here, in-process,
 * unless their URLs are given). Without AUTH_JWKS (development), it accepts the same development
 * tokens as `npm start` (keys shared through .data/) and prints a staff token. The same gateway
 * without the stubs: `npx hive-gateway supergraph -c gateway/gateway.config.ts`.
 */
import { ConfigError } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { startStubSubgraphs } from '../stubs/subgraphs/index.js';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './index.js';
import { gatewaySettings, hiveLogLevel } from './settings.js';

let config: ReturnType<typeof loadGatewayConfig>;
try {
  config = loadGatewayConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
const logger = createLogger(config.logLevel, { component: 'gateway' });

const given = (name: string) => Boolean(process.env[name]);
const stubs =
  config.environment !== 'production' && !given('GUEST_PROFILES_SUBGRAPH_URL') && !given('TRIP_CATALOG_SUBGRAPH_URL')
    ? await startStubSubgraphs({ 'guest-profiles': 0, 'trip-catalog': 0 })
    : null;

const { developmentToken, ...settings } = await gatewaySettings(config, stubs?.urls ?? {});
if (developmentToken) {
  logger.warn(
    { authorization: developmentToken },
    'AUTH_JWKS is not set: development keys in use; send this header to call the supergraph as staff',
  );
}

const gateway = await startGateway({
  ...settings,
  port: config.http.port,
  host: config.http.host,
  logging: hiveLogLevel(config.logLevel),
});
logger.info({ url: `http://localhost:${new URL(gateway.url).port}/graphql` }, 'gateway ready');

const stop = (signal: string) => {
  logger.info({ signal }, 'gateway shutting down');
  void gateway
    .stop()
    .then(() => stubs?.stop())
    .then(() => process.exit(0));
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
