import { z } from 'zod';
import { configProblems, presentEnv, sharedSettings } from '../src/config.js';

/** The local gateway's settings (`npm run gateway`); documented with the service's in .env.example. */
const schema = z.object({
  ...sharedSettings,
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
  RESERVATIONS_SUBGRAPH_URL: z.url().default('http://localhost:4001/graphql'),
  GUEST_PROFILES_SUBGRAPH_URL: z.url().default('http://localhost:4105/'),
  TRIP_CATALOG_SUBGRAPH_URL: z.url().default('http://localhost:4106/'),
  SUPERGRAPH_PATH: z.string().min(1).default('supergraph.graphql'),
  PARTNER_MANIFEST_PATH: z.string().min(1).default('operations/partner/persisted-query-manifest.json'),
});

export type GatewayConfig = z.infer<typeof schema>;
export const GATEWAY_CONFIG_VARIABLES = Object.keys(schema.shape);

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const result = schema
    .superRefine((config, context) => {
      if (config.NODE_ENV !== 'production') return;
      for (const name of ['AUTH_JWKS', 'GATEWAY_SHARED_SECRET'] as const) {
        if (!config[name]) context.addIssue({ code: 'custom', path: [name], message: 'is required in production' });
      }
    })
    .safeParse(presentEnv(env));
  if (!result.success) throw configProblems(result.error);
  return result.data;
}
