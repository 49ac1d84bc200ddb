import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { requiredEnv, serve } from './child.js';

/**
 * The peer: PostGraphile v5 (amber preset) serving schema `reservations` of the same database,
 * with the same pool size as the subgraph. Read 1 asks it for a reservation by its primary key
 * (id, reservation_date) with its participants, which it compiles to one SQL statement.
 */

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
