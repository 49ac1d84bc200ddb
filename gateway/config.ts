import { z } from 'zod';
import { authSettings, configProblems, presentEnv, requiredInProduction, sharedVariables } from '../src/config.js';

/** The local gateway's variables (`npm run gateway`); documented with the service's in .env.example. */
const variables = z.object({
  ...sharedVariables,
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
  RESERVATIONS_SUBGRAPH_URL: z.url().default('http://localhost:4001/graphql'),
  GUEST_PROFILES_SUBGRAPH_URL: z.url().default('http://localhost:4105/'),
  TRIP_CATALOG_SUBGRAPH_URL: z.url().default('http://localhost:4106/'),
  SUPERGRAPH_PATH: z.string().min(1).default('supergraph.graphql'),
  PARTNER_MANIFEST_PATH: z.string().min(1).default('operations/partner/persisted-query-manifest.json'),
});

/** Grouped as the service's settings are (src/config.ts); problems still name the variable. */
const schema = requiredInProduction(variables, ['AUTH_JWKS', 'GATEWAY_SHARED_SECRET']).transform((env) => ({
  environment: env.NODE_ENV,
  logLevel: env.LOG_LEVEL,
  http: { port: env.GATEWAY_PORT, host: env.GATEWAY_HOST },
  auth: authSettings(env),
  subgraphUrls: {
    reservations: env.RESERVATIONS_SUBGRAPH_URL,
    'guest-profiles': env.GUEST_PROFILES_SUBGRAPH_URL,
    'trip-catalog': env.TRIP_CATALOG_SUBGRAPH_URL,
  },
  supergraphPath: env.SUPERGRAPH_PATH,
  partnerManifestPath: env.PARTNER_MANIFEST_PATH,
}));

export type GatewayConfig = z.output<typeof schema>;
export const GATEWAY_CONFIG_VARIABLES = Object.keys(variables.shape);

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const result = schema.safeParse(presentEnv(env));
  if (!result.success) throw configProblems(result.error);
  return result.data;
}
