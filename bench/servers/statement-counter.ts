import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import pg from 'pg';

/**
 * Counts the SQL statements each HTTP request of this process sends, by wrapping
 * `pg.Client#query` (Prisma's driver adapter and the relay both go through it) and tagging every
 * request with an AsyncLocalStorage scope. Statements sent outside any request (the relay's
 * polls, partition maintenance) are counted apart. It also notes when a transaction that wrote
 * outbox rows committed, by the outbox ids it inserted: the start of commit-to-Kafka latency.
 *
 * Counting per request is switched on only for a counting pass (`setCounting`): on Node 20 an
 * active AsyncLocalStorage installs promise hooks that cost a promise-heavy server ~10% of its
 * throughput, which the timed runs must not pay.
 */

interface RequestScope {
  statements: number;
}

export interface StatementCounts {
  requests: number;
  /** Statements sent while serving a request, all requests together. */
  statements: number;
  /** How many requests sent n statements: { "2": 10412 }. */
  perRequest: Record<string, number>;
  /** Statements by verb and first table, e.g. "SELECT reservations". */
  byShape: Record<string, number>;
  /** Statements outside any request (relay, maintenance). */
  background: number;
  /** The first text of each shape, to EXPLAIN what the service really sends. */
  samples: Record<string, { text: string; values: unknown[] }>;
}

const scope = new AsyncLocalStorage<RequestScope>();
let counts: StatementCounts = fresh();
let counting = false;
/** Outbox id → Date.now() when its transaction's COMMIT returned. */
const commits = new Map<string, number>();
const pendingOutboxIds = new WeakMap<object, string[]>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fresh(): StatementCounts {
  return { requests: 0, statements: 0, perRequest: {}, byShape: {}, background: 0, samples: {} };
}

export function shapeOf(text: string): string {
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? '?';
  // The first table of the service's schema named (a batch reads FROM unnest(…) JOIN reservations.x).
  const table =
    /(?:from|into|update|join)\s+"?reservations"?\."?(\w+)"?/i.exec(text)?.[1] ??
    /(?:from|into|update|join)\s+"?(\w+)"?/i.exec(text)?.[1];
  return table ? `${verb} ${table}` : verb;
}

export function setCounting(on: boolean): boolean {
  counting = on;
  if (!on) scope.disable();
  return counting;
}

export function takeCounts(): StatementCounts {
  const taken = counts;
  counts = fresh();
  return taken;
}

export function takeCommits(): [string, number][] {
  const taken = [...commits];
  commits.clear();
  return taken;
}

type QueryArgs = [string | { text: string; values?: unknown[] }, unknown?, unknown?];

export function installStatementCounter(): void {
  const emit = http.Server.prototype.emit;
  const emitAll = (server: http.Server, event: string | symbol, args: unknown[]): boolean =>
    (emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean).apply(server, [event, ...args]);
  http.Server.prototype.emit = function emitInScope(this: http.Server, event: string | symbol, ...args: unknown[]) {
    const request = args[0] as http.IncomingMessage | undefined;
    if (!counting || event !== 'request' || !request?.url?.startsWith('/graphql')) return emitAll(this, event, args);
    const store: RequestScope = { statements: 0 };
    (args[1] as http.ServerResponse).once('finish', () => {
      counts.requests++;
      counts.perRequest[store.statements] = (counts.perRequest[store.statements] ?? 0) + 1;
    });
    return scope.run(store, () => emitAll(this, event, args));
  } as typeof emit;

  // pool.query hands the statement to a client when one is free, in the context of whoever freed
  // it: statements sent that way are counted when pool.query is called, in the asker's context.
  const poolQuery = pg.Pool.prototype.query as (...args: unknown[]) => unknown;
  pg.Pool.prototype.query = function countedPoolQuery(this: pg.Pool, ...args: unknown[]) {
    if (!counting) return trackAutocommit(args, poolQuery.apply(this, args));
    const config = (
      typeof args[0] === 'string' ? { text: args[0], ...(Array.isArray(args[1]) && { values: args[1] }) } : args[0]
    ) as { text: string; values?: unknown[] };
    count(config.text, config.values);
    countedAlready.add(config);
    const rest = typeof args[0] === 'string' ? args.slice(Array.isArray(args[1]) ? 2 : 1) : args.slice(1);
    return trackAutocommit(args, poolQuery.apply(this, [config, ...rest]));
  } as typeof pg.Pool.prototype.query;

  const query = pg.Client.prototype.query as (...args: QueryArgs) => unknown;
  pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: QueryArgs) {
    const text = typeof args[0] === 'string' ? args[0] : args[0].text;
    const values = (typeof args[0] === 'string' ? args[1] : args[0].values) as unknown[] | undefined;
    if (counting && !(typeof args[0] === 'object' && countedAlready.has(args[0]))) count(text, values);
    const result = query.apply(this, args);
    trackCommit(this, shapeOf(text), values, result);
    return result;
  } as typeof pg.Client.prototype.query;
}

const countedAlready = new WeakSet<object>();

function count(text: string, values: unknown[] | undefined): void {
  const store = scope.getStore();
  if (!store) {
    counts.background++;
    return;
  }
  const shape = shapeOf(text);
  store.statements++;
  counts.statements++;
  counts.byShape[shape] = (counts.byShape[shape] ?? 0) + 1;
  counts.samples[shape] ??= { text, values: Array.isArray(values) ? values : [] };
}

/**
 * pool.query runs one statement outside any transaction, so it commits when it returns: the
 * booking's one statement (src/db/booking.ts, `WITH … INSERT INTO reservations.outbox`), its
 * outbox ids among its array parameters. (The client it runs on answers pool's callback, not a
 * promise, so trackCommit cannot see that one.)
 */
function trackAutocommit(args: unknown[], result: unknown): unknown {
  const config = args[0] as string | { text: string; values?: unknown[] };
  const text = typeof config === 'string' ? config : config.text;
  // Cheap first: this runs for every statement of the timed runs too (shapeOf was 0.7% of read 1).
  if (!text.includes('INTO reservations.outbox')) return result;
  const values = typeof config === 'string' ? args[1] : config.values;
  if (shapeOf(text).startsWith('WITH ') && Array.isArray(values)) {
    noteCommitted(uuidsIn(values), result);
  }
  return result;
}

const uuidsIn = (values: unknown[]): string[] =>
  values.flat().filter((value): value is string => typeof value === 'string' && UUID.test(value));

function noteCommitted(ids: string[], result: unknown): void {
  if (result instanceof Promise) {
    result.then(
      () => {
        const at = Date.now();
        for (const id of ids) commits.set(id, at);
      },
      () => {},
    );
  }
}

function trackCommit(client: object, shape: string, values: unknown[] | undefined, result: unknown): void {
  if (shape === 'INSERT outbox' && Array.isArray(values)) {
    const ids = values.filter((value): value is string => typeof value === 'string' && UUID.test(value));
    pendingOutboxIds.set(client, [...(pendingOutboxIds.get(client) ?? []), ...ids]);
  } else if (shape === 'ROLLBACK') {
    pendingOutboxIds.delete(client);
  } else if (shape === 'COMMIT') {
    const ids = pendingOutboxIds.get(client);
    pendingOutboxIds.delete(client);
    if (ids) noteCommitted(ids, result);
  }
}
