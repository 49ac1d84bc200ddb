import type { Actor, AppDeps } from '../app/deps.js';
import type { PersonalDataStore } from '../app/ports/personal-data-store.js';
import type { Db } from '../db/rows.js';
import { type Caller, UnauthenticatedError } from '../domain/index.js';
import type { Logger } from '../observability/logger.js';
import type { Loaders } from './loaders.js';

/** Everything a resolver may use; built once per request. */
export interface GraphQLContext {
  requestId: string;
  /** The verified caller; null only for an operation that asks for nothing but `_service`. */
  caller: Caller | null;
  loaders: Loaders;
  deps: AppDeps;
  /** Erasure and export of personal data (src/db/personal-data.ts). */
  personalData: PersonalDataStore;
  /** The database, for the reads resolvers make themselves (searches, lookups). */
  db: Db;
  logger: Logger;
}

/** The caller of a request that needs one (all do but the SDL); recorded as the actor of changes. */
export function callerOf(context: GraphQLContext): { caller: Caller; actor: Actor } {
  const caller = context.caller;
  if (!caller) throw new UnauthenticatedError();
  return { caller, actor: { kind: caller.role, id: caller.subject } };
}
