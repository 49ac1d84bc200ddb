import { createServer } from 'node:http';
import { requiredEnv, serve } from './child.js';

/**
 * The peer: PostGraphile v5 (amber preset) serving schema `reservations` of the same database,
 * with the same pool size as the subgraph. Read 1 asks it for a reservation by its primary key
 * (id, reservation_date) with its participants, which it compiles to one SQL statement.
 */

// PostGraphile 5 declares Node >= 22; of what 22 adds it uses only Promise.withResolvers (without
// it every query fails with "Cannot read properties of undefined (reading 'items')").
if (!('withResolvers' in Promise)) {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

const { postgraphile } = await import('postgraphile');
const { makePgService } = await import('postgraphile/adaptors/pg');
const { grafserv } = await import('postgraphile/grafserv/node');
const { PostGraphileAmberPreset } = await import('postgraphile/presets/amber');

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: requiredEnv('DATABASE_URL'),
      schemas: ['reservations'],
      poolConfig: { max: Number(process.env.DATABASE_POOL_MAX ?? 10) },
    }),
  ],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server);
await serve(server, async () => {
  await pgl.release();
});
