import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import type { Logger } from '../observability/logger.js';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id (the caller's `x-request-id` when sane, else a new UUID), set on arrival. */
    id: string;
    /** A child logger bound to `requestId`, made the first time a line is written for the request. */
    log: Logger;
  }
}

/**
 * The subgraph's HTTP surface on plain node:http: POST/GET /graphql (Apollo Server's
 * executeHTTPGraphQLRequest), /health/live, /health/ready. Owning it keeps the body limit, the
 * health probes and the shutdown sequence in one place instead of behind a framework.
 */

export interface HttpServerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Request logging: `request.log` carries the request id; see requestLogging. */
  logger: Logger;
  /** Built per GraphQL request; `request.id` and `request.log` are set by then. */
  context: (request: IncomingMessage) => Promise<TContext>;
  /** Readiness: the failed checks (empty when ready) and what each dependency looks like. */
  readiness: () => Promise<{ failed: string[]; checks?: Record<string, string> }>;
  maxBodyBytes: number;
  /** When set, /graphql answers only requests this accepts (the gateway's shared secret). */
  admitGraphQL?: (request: IncomingMessage) => boolean;
  extraRoutes?: Record<string, (request: IncomingMessage, response: ServerResponse) => Promise<void>>;
  /**
   * Sees (and may replace) the parsed body of a GraphQL request before it is executed, or refuse
   * it by throwing a RefusedRequest (the gateway: tokens and persisted operations).
   */
  prepare?: (request: IncomingMessage, body: unknown, url: URL) => Promise<unknown>;
  /**
   * True while the instance drains before stopping: every response written from then on, those
   * of requests already in flight included, says `Connection: close`, so clients go elsewhere.
   */
  draining?: () => boolean;
}

class PayloadTooLargeError extends Error {}

/** A request refused before GraphQL runs, answered as a GraphQL error with this status and code. */
export class RefusedRequest extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new PayloadTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new PayloadTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function graphqlError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { errors: [{ message, extensions: { code } }] });
}

async function handleGraphQL<TContext extends BaseContext>(
  options: HttpServerOptions<TContext>,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown;
  if (request.method === 'POST') {
    const raw = await readBody(request, options.maxBodyBytes);
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      graphqlError(response, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
      return;
    }
  }
  if (options.prepare) body = await options.prepare(request, body, url);
  const result = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
    context: () => options.context(request),
  });
  for (const [name, value] of result.headers) response.setHeader(name, value);
  if (options.draining?.()) response.setHeader('connection', 'close');
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane token, else a new one; echoed in the response. */
function requestIdOf(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  response.setHeader('x-request-id', id);
  return id;
}

/**
 * Every log line of a request, the error lines of formatError included, goes through
 * `request.log`, a child logger bound to `requestId`. One line per GraphQL request when it ends:
 * `error` for a 5xx, `info` for a refusal (4xx), `debug` for success (a line per successful request
 * would cost more CPU than many requests do; LOG_LEVEL=debug shows them). Probes and /metrics are
 * not logged. The child logger is made only when a line is written: making it for every request
 * (as pino-http did, two children a request with the request serialized into one) was ~5% of the
 * CPU of `reservation(id)` (BENCHMARKS.md).
 */
function requestLogging(logger: Logger) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const id = requestIdOf(request, response);
    let child: Logger | undefined;
    request.id = id;
    Object.defineProperty(request, 'log', {
      configurable: true,
      enumerable: false,
      get: () => {
        child ??= logger.child({ requestId: id });
        return child;
      },
    });
    if (!request.url?.startsWith('/graphql')) return;
    const started = performance.now();
    const done = (error?: Error) => {
      response.off('finish', done);
      response.off('close', done);
      response.off('error', done);
      // Closed before the answer was sent: the client went away (or the socket failed).
      const aborted = !error && !response.writableFinished;
      const level = error || response.statusCode >= 500 ? 'error' : aborted || response.statusCode >= 400 ? 'info' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      request.log[level](
        {
          req: { method: request.method, url: request.url?.split('?')[0] },
          res: { statusCode: response.statusCode },
          responseTime: Math.round(performance.now() - started),
          ...(error && { err: error }),
        },
        error ? 'request errored' : aborted ? 'request aborted' : 'request completed',
      );
    };
    response.on('finish', done);
    response.on('close', done);
    response.on('error', done);
  };
}

export function createHttpServer<TContext extends BaseContext>(options: HttpServerOptions<TContext>): Server {
  const logRequest = requestLogging(options.logger);
  return createServer((request, response) => {
    logRequest(request, response);
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = async (): Promise<void> => {
      if (url.pathname === '/graphql') {
        if (options.admitGraphQL && !options.admitGraphQL(request)) {
          return graphqlError(response, 401, 'UNAUTHENTICATED', 'Only the gateway may call this subgraph.');
        }
        return handleGraphQL(options, request, response, url);
      }
      if (url.pathname === '/health/live') return sendJson(response, 200, { status: 'ok' });
      if (url.pathname === '/health/ready') {
        const { failed, checks } = await options.readiness();
        return sendJson(response, failed.length === 0 ? 200 : 503, {
          status: failed.length === 0 ? 'ready' : 'not ready',
          failed,
          ...(checks && { checks }),
        });
      }
      const extra = options.extraRoutes?.[url.pathname];
      if (extra) return extra(request, response);
      sendJson(response, 404, { error: 'not found' });
    };
    route().catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof RefusedRequest) {
        graphqlError(response, error.status, error.code, error.message);
        return;
      }
      if (error instanceof PayloadTooLargeError) {
        graphqlError(response, 413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${options.maxBodyBytes} bytes.`);
        return;
      }
      request.log.error({ err: error }, 'request failed');
      graphqlError(response, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
    });
  });
}
