import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApolloServer } from '../../../src/graphql/apollo.js';
import type { GraphQLContext } from '../../../src/graphql/context.js';
import { createHttpServer } from '../../../src/graphql/http-server.js';

/** Every log line of a request carries its request id, the masked error's too. */
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
const logger = pino({ level: 'debug' }, sink);
const schema = buildSubgraphSchema({
  typeDefs: parse('type Query { boom: String, fine: String }'),
  resolvers: {
    Query: {
      boom: () => {
        throw new Error('connection to the database was lost');
      },
      fine: () => 'ok',
    },
  },
});
const apollo = createApolloServer(schema, { logger, production: true });
const server = createHttpServer({
  apollo,
  logger,
  maxBodyBytes: 10_000,
  readiness: async () => ({ failed: [] }),
  context: async (request) => ({ requestId: String(request.id), logger: request.log }) as unknown as GraphQLContext,
});
let url = '';

beforeAll(async () => {
  await apollo.start();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await apollo.stop();
});

const post = (query: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

describe('request logging', () => {
  it('logs an unexpected error with the request id the client sent, and masks it in the answer', async () => {
    const response = await post('{ boom }', { 'x-request-id': 'req-boom-1' });
    expect(response.headers.get('x-request-id')).toBe('req-boom-1');
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const errorLine = lines.find((line) => line.msg === 'unexpected error while resolving a request');
    expect(errorLine).toMatchObject({ requestId: 'req-boom-1', path: ['boom'] });
    expect(JSON.stringify(errorLine)).toContain('connection to the database was lost');
    const accessLine = lines.find((line) => line.requestId === 'req-boom-1' && line.msg === 'request completed');
    expect(accessLine).toMatchObject({ req: { method: 'POST', url: '/graphql' }, res: { statusCode: 200 } });
  });

  it('replaces a request id that is not a sane token with a new one', async () => {
    const response = await post('{ fine }', { 'x-request-id': 'x'.repeat(500) });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.some((line) => line.requestId === id)).toBe(true);
  });

  it('makes no child logger for a request that writes no line', async () => {
    const quiet = pino({ level: 'info' }, sink);
    let children = 0;
    const child = quiet.child.bind(quiet);
    quiet.child = ((...args: Parameters<typeof quiet.child>) => {
      children++;
      return child(...args);
    }) as typeof quiet.child;
    const quietServer = createHttpServer({
      apollo,
      logger: quiet,
      maxBodyBytes: 10_000,
      readiness: async () => ({ failed: [] }),
      // As the service builds it (src/composition/http.ts): the logger's getter on the prototype,
      // which Apollo keeps when it copies the context; an own getter would be read by that copy.
      context: async (request) =>
        Object.assign(
          Object.create({
            get logger() {
              return request.log;
            },
          }),
          { requestId: request.id },
        ) as GraphQLContext,
    });
    await new Promise<void>((resolve) => quietServer.listen(0, '127.0.0.1', resolve));
    const quietUrl = `http://127.0.0.1:${(quietServer.address() as AddressInfo).port}/graphql`;
    try {
      for (let index = 0; index < 5; index++) {
        const response = await fetch(quietUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ fine }' }),
        });
        expect(await response.json()).toEqual({ data: { fine: 'ok' } });
      }
      expect(children).toBe(0);
      // A line written for a request makes its child, bound to the request id.
      const failed = await fetch(quietUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-quiet-boom' },
        body: JSON.stringify({ query: '{ boom }' }),
      });
      expect(failed.status).toBe(200);
      expect(children).toBe(1);
      expect(
        lines.some((line) => line.requestId === 'req-quiet-boom' && line.msg === 'unexpected error while resolving a request'),
      ).toBe(true);
    } finally {
      await new Promise((resolve) => quietServer.close(resolve));
    }
  });
});
