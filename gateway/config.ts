import { z } from 'zod';
import { ConfigError, jsonWebKeySet, presentEnv } from '../src/config.js';

/** The local gateway's settings (`npm run gateway`); documented with the service's in .env.example. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
  RESERVATIONS_SUBGRAPH_URL: z.url().default('http://localhost:4001/graphql'),
  GUEST_PROFILES_SUBGRAPH_URL: z.url().default('http://localhost:4105/'),
  TRIP_CATALOG_SUBGRAPH_URL: z.url().default('http://localhost:4106/'),
  SUPERGRAPH_PATH: z.string().min(1).default('supergraph.graphql'),
  PARTNER_MANIFEST_PATH: z.string().min(1).default('operations/partner/persisted-query-manifest.json'),
  AUTH_JWKS: jsonWebKeySet.optional(),
  AUTH_ISSUER: z.string().min(1).default('https://auth.novatrek.example'),
  AUTH_AUDIENCE: z.string().min(1).default('svc-reservations'),
  GATEWAY_SHARED_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
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
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  return result.data;
}
