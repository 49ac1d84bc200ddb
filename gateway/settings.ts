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
  let jwks = config.auth.jwks as unknown as JSONWebKeySet | undefined;
  let developmentToken: string | undefined;
  if (!jwks) {
    const keys = await developmentKeys(config.auth.issuer, config.auth.audience, DEVELOPMENT_KEY_FILE);
    jwks = keys.jwks;
    developmentToken = `Bearer ${await keys.sign({ role: 'staff', scope: 'staff' }, 'developer')}`;
  }
  return {
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    subgraphUrls: { ...config.subgraphUrls, ...subgraphUrls },
    auth: { jwks, issuer: config.auth.issuer, audience: config.auth.audience },
    gatewaySecret: config.auth.gatewaySecret,
    partnerManifest: readManifest(new URL(config.partnerManifestPath, `file://${process.cwd()}/`)),
    production: config.environment === 'production',
    ...(developmentToken && { developmentToken }),
  };
}

/** Our LOG_LEVEL as Hive Gateway's logging option. */
export function hiveLogLevel(level: GatewayConfig['logLevel']): 'debug' | 'info' | 'warn' | 'error' | false {
  if (level === 'silent') return false;
  if (level === 'fatal') return 'error';
  if (level === 'trace') return 'debug';
  return level;
}
