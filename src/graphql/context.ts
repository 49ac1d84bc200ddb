import type { Actor, AppDeps } from '../app/deps.js';
import type { Logger } from '../observability/logger.js';
import type { Loaders } from './loaders.js';

/** Everything a resolver may use; built once per request. */
export interface GraphQLContext {
  requestId: string;
  actor: Actor;
  loaders: Loaders;
  deps: AppDeps;
  logger: Logger;
}
