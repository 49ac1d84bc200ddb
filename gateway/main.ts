/**
 * `npm run gateway`: the supergraph on http://localhost:4000/graphql — svc-reservations (`npm
 * start`) with the guest-profiles and trip-catalog stub subgraphs (started here, in-process,
 * unless their URLs are given). Without AUTH_JWKS (development), it accepts the same development
 * tokens as `npm start` (keys shared through .data/) and prints a staff token.
 */
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { ConfigError } from '../src/config.js';
import { DEVELOPMENT_KEY_FILE, developmentKeys } from '../src/graphql/auth.js';
import { createLogger } from '../src/observability/logger.js';
import { startStubSubgraphs } from '../stubs/subgraphs/index.js';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './index.js';
import { readManifest } from './persisted-operations.js';

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
const logger = createLogger(config.LOG_LEVEL, { component: 'gateway' });

let jwks = config.AUTH_JWKS as unknown as JSONWebKeySet | undefined;
if (!jwks) {
  const keys = await developmentKeys(config.AUTH_ISSUER, config.AUTH_AUDIENCE, DEVELOPMENT_KEY_FILE);
  jwks = keys.jwks;
  logger.warn(
    { authorization: `Bearer ${await keys.sign({ role: 'staff', scope: 'staff' }, 'developer')}` },
    'AUTH_JWKS is not set: development keys in use; send this header to call the supergraph as staff',
  );
}

const given = (name: string) => Boolean(process.env[name]);
const stubs =
  config.NODE_ENV !== 'production' && !given('GUEST_PROFILES_SUBGRAPH_URL') && !given('TRIP_CATALOG_SUBGRAPH_URL')
    ? await startStubSubgraphs({ 'guest-profiles': 0, 'trip-catalog': 0 })
    : null;

const gateway = await startGateway({
  supergraphSdl: readFileSync(config.SUPERGRAPH_PATH, 'utf8'),
  subgraphUrls: {
    reservations: config.RESERVATIONS_SUBGRAPH_URL,
    'guest-profiles': stubs?.urls['guest-profiles'] ?? config.GUEST_PROFILES_SUBGRAPH_URL,
    'trip-catalog': stubs?.urls['trip-catalog'] ?? config.TRIP_CATALOG_SUBGRAPH_URL,
  },
  auth: { jwks, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE },
  gatewaySecret: config.GATEWAY_SHARED_SECRET,
  partnerManifest: readManifest(new URL(config.PARTNER_MANIFEST_PATH, `file://${process.cwd()}/`)),
  port: config.GATEWAY_PORT,
  host: config.GATEWAY_HOST,
  production: config.NODE_ENV === 'production',
  logger,
});

const stop = (signal: string) => {
  logger.info({ signal }, 'gateway shutting down');
  void gateway
    .stop()
    .then(() => stubs?.stop())
    .then(() => process.exit(0));
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
