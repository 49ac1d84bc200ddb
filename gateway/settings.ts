import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { DEVELOPMENT_KEY_FILE, developmentKeys } from '../src/graphql/auth.js';
import type { GatewayConfig } from './config.js';
import { readManifest } from './persisted-operations.js';
import type { GatewaySettings } from './runtime.js';
import type { SubgraphName } from './supergraph.js';

/**
 * The gateway's settings from its environment (gateway/config.ts), for `npm run gateway` and the
 * `hive-gateway` CLI alike. Without AUTH_JWKS (development only: the config refuses that in
 * production) it accepts the development tokens of `npm start` (keys shared through .data/).
 */
export async function gatewaySettings(
  config: GatewayConfig,
  subgraphUrls: Partial<Record<SubgraphName, string>> = {},
): Promise<GatewaySettings & { developmentToken?: string }> {
  let jwks = config.AUTH_JWKS as unknown as JSONWebKeySet | undefined;
  let developmentToken: string | undefined;
  if (!jwks) {
    const keys = await developmentKeys(config.AUTH_ISSUER, config.AUTH_AUDIENCE, DEVELOPMENT_KEY_FILE);
    jwks = keys.jwks;
    developmentToken = `Bearer ${await keys.sign({ role: 'staff', scope: 'staff' }, 'developer')}`;
  }
  return {
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH, 'utf8'),
    subgraphUrls: {
      reservations: config.RESERVATIONS_SUBGRAPH_URL,
      'guest-profiles': config.GUEST_PROFILES_SUBGRAPH_URL,
      'trip-catalog': config.TRIP_CATALOG_SUBGRAPH_URL,
      ...subgraphUrls,
    },
    auth: { jwks, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE },
    gatewaySecret: config.GATEWAY_SHARED_SECRET,
    partnerManifest: readManifest(new URL(config.PARTNER_MANIFEST_PATH, `file://${process.cwd()}/`)),
    production: config.NODE_ENV === 'production',
    ...(developmentToken && { developmentToken }),
  };
}

/** Our LOG_LEVEL as Hive Gateway's logging option. */
export function hiveLogLevel(level: GatewayConfig['LOG_LEVEL']): 'debug' | 'info' | 'warn' | 'error' | false {
  if (level === 'silent') return false;
  if (level === 'fatal') return 'error';
  if (level === 'trace') return 'debug';
  return level;
}
