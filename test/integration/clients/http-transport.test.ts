import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ServiceCaller } from '../../../src/clients/http.js';
import { servicePolicies } from '../../../src/clients/resilience.js';
import { AnswerTooLarge, HttpTransport, NoAnswer, type Send } from '../../../src/clients/transport.js';
import { DependencyFailedError } from '../../../src/domain/index.js';

/**
 * The wire of every call (src/clients/transport.ts) over real sockets: a server that plays one
 * behaviour, and what the caller and the server each saw. The server counts the connections it
 * has open, so a socket the client left behind shows.
 */

type Behaviour = (request: IncomingMessage, response: ServerResponse) => void;

interface TestServer {
  url: string;
  requests: number;
  /** What was asked: method, path, headers and body. */
  received: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[];
  connections: Set<Socket>;
  behave(behaviour: Behaviour): void;
}

const servers: Server[] = [];
const transports: HttpTransport[] = [];

async function startServer(initial: Behaviour): Promise<TestServer> {
  let behaviour = initial;
  const state: Omit<TestServer, 'url' | 'behave'> = { requests: 0, received: [], connections: new Set<Socket>() };
  const server = createServer((request, response) => {
    state.requests++;
    // Read the request's body first, as a service does.
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { method, url, headers } = request;
      state.received.push({ method, url, headers, body: Buffer.concat(chunks).toString('utf8') });
      behaviour(request, response);
    });
  });
  server.on('connection', (socket: Socket) => {
    state.connections.add(socket);
    socket.on('close', () => state.connections.delete(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    behave: (next: Behaviour) => {
      behaviour = next;
    },
  }) as TestServer;
}

afterEach(() => {
  for (const transport of transports.splice(0)) transport.close();
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A ServiceCaller over a real transport, counting its attempts. */
function callerFor(baseUrl: string, settings: { timeoutMs?: number; retries?: number } = {}) {
  const transport = new HttpTransport(baseUrl);
  transports.push(transport);
  const counted = { attempts: 0 };
  const send: Send = (request) => {
    counted.attempts++;
    return transport.send(request);
  };
  const policies = servicePolicies({
    timeoutMs: settings.timeoutMs ?? 1_000,
    retry: { retries: settings.retries ?? 2, baseDelayMs: 5, maxDelayMs: 10 },
    breaker: { failureThreshold: 100, coolDownMs: 60_000 },
  });
  return { caller: new ServiceCaller({ service: 'trip-catalog', baseUrl, policies, send }), counted, transport };
}

const get = (transport: HttpTransport, path = '/v1/trips', signal = new AbortController().signal) =>
  transport.send({ method: 'GET', path, headers: { accept: 'application/json' }, signal });

const json = (status: number, body: unknown): Behaviour => {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
};

describe('answers', () => {
  it('posts the body with its length, reads the whole answer as UTF-8, and reuses one connection', async () => {
    // A multi-byte character split between two chunks of the answer.
    const answer = Buffer.from(JSON.stringify({ name: 'Zürich – Genève ☃' }));
    const split = answer.indexOf(Buffer.from('☃')) + 1;
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(answer.subarray(0, split));
      setTimeout(() => response.end(answer.subarray(split)), 5);
    });
    const { caller, transport } = callerFor(server.url);
    for (let call = 0; call < 3; call++) {
      await expect(
        caller.call('/v1/availability:check', { method: 'POST', body: { checks: ['é'] }, idempotent: true }),
      ).resolves.toEqual({ status: 200, body: { name: 'Zürich – Genève ☃' }, freshSeconds: 0 });
    }
    expect(server.received).toHaveLength(3);
    expect(server.received[0]).toMatchObject({
      method: 'POST',
      url: '/v1/availability:check',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength('{"checks":["é"]}')) },
      body: '{"checks":["é"]}',
    });
    // Keep-alive: the three calls went over one connection, which stays open until close().
    expect(server.connections.size).toBe(1);
    transport.close();
    await vi.waitFor(() => expect(server.connections.size).toBe(0));
  });

  it('hands a 4xx back as it is, and an empty body as null', async () => {
    const server = await startServer((_request, response) => response.writeHead(404).end());
    const { caller, counted } = callerFor(server.url);
    await expect(caller.call('/v1/trips/x', { idempotent: true })).resolves.toEqual({ status: 404, body: null, freshSeconds: 0 });
    expect(counted.attempts).toBe(1);
  });

  it('takes an answer of exactly the size limit', async () => {
    const limit = 1024 * 1024;
    const body = JSON.stringify({ pad: 'x'.repeat(limit - 10) });
    expect(body).toHaveLength(limit);
    const server = await startServer((_request, response) => response.writeHead(200).end(body));
    const { transport } = callerFor(server.url);
    await expect(get(transport)).resolves.toMatchObject({ status: 200, text: body });
  });
});

describe('failures', () => {
  it('gives DEPENDENCY_FAILED after its retries when the connection is refused', async () => {
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    const { caller, counted } = callerFor(`http://127.0.0.1:${port}`, { retries: 2 });
    const error = await caller.call('/v1/trips', { idempotent: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyFailedError);
    expect((error as DependencyFailedError).cause).toBeInstanceOf(NoAnswer);
    expect((error as DependencyFailedError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(counted.attempts).toBe(3);
  });

  it('cancels an attempt the server never answers when the budget runs out, and closes its socket', async () => {
    const server = await startServer(() => undefined); // never answers
    const { caller, counted } = callerFor(server.url, { timeoutMs: 300 });
    const started = performance.now();
    await expect(caller.call('/v1/trips', { idempotent: true })).rejects.toMatchObject({ code: 'DEPENDENCY_FAILED' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(counted.attempts).toBe(1);
    expect(server.requests).toBe(1);
    // The request in flight was destroyed with its socket, not left waiting for an answer.
    await vi.waitFor(() => expect(server.connections.size).toBe(0), { timeout: 1_000 });
  });

  it('rejects with NoAnswer (ABORT_ERR) when the signal aborts, and closes the socket', async () => {
    const server = await startServer(() => undefined);
    const { transport } = callerFor(server.url);
    const controller = new AbortController();
    const sent = get(transport, '/v1/trips', controller.signal);
    await vi.waitFor(() => expect(server.requests).toBe(1));
    controller.abort();
    await expect(sent).rejects.toMatchObject({ name: 'NoAnswer', code: 'ABORT_ERR' });
    await vi.waitFor(() => expect(server.connections.size).toBe(0), { timeout: 1_000 });
  });

  it('refuses an answer over the size limit, declared or not, without retrying, and closes its connection', async () => {
    const tooLong = 'x'.repeat(1024 * 1024 + 1);
    const server = await startServer((_request, response) => response.writeHead(200).end(tooLong));
    const { caller, counted, transport } = callerFor(server.url);
    const error = await caller.call('/v1/trips', { idempotent: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyFailedError);
    expect((error as DependencyFailedError).cause).toBeInstanceOf(AnswerTooLarge);
    expect(counted.attempts).toBe(1);
    await vi.waitFor(() => expect(server.connections.size).toBe(0), { timeout: 1_000 });

    // Chunked, without a Content-Length: refused once the limit is passed.
    server.behave((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'y'.repeat(64 * 1024);
      for (let sent = 0; sent <= 1024 * 1024; sent += chunk.length) response.write(chunk);
      response.end();
    });
    await expect(get(transport)).rejects.toBeInstanceOf(AnswerTooLarge);
    await vi.waitFor(() => expect(server.connections.size).toBe(0), { timeout: 1_000 });
  });

  it('retries an answer that is not JSON over the same connection, then gives DEPENDENCY_FAILED', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>502 Bad Gateway</html>');
    });
    const { caller, counted } = callerFor(server.url, { retries: 2 });
    await expect(caller.call('/v1/trips', { idempotent: true })).rejects.toMatchObject({ code: 'DEPENDENCY_FAILED' });
    expect(counted.attempts).toBe(3);
    expect(server.requests).toBe(3);
    expect(server.connections.size).toBe(1);
  });

  it('retries an answer cut off in the middle (NoAnswer, ECONNRESET)', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"trips":[');
      setTimeout(() => response.socket?.destroy(), 5);
    });
    const { caller, counted, transport } = callerFor(server.url, { retries: 1 });
    await expect(get(transport)).rejects.toMatchObject({ name: 'NoAnswer', code: 'ECONNRESET' });
    server.behave(json(200, { trips: [] }));
    await expect(caller.call('/v1/trips', { idempotent: true })).resolves.toEqual({
      status: 200,
      body: { trips: [] },
      freshSeconds: 0,
    });
    expect(counted.attempts).toBe(1);
    server.behave((_request, response) => {
      response.writeHead(200, { 'content-length': '100' }).write('{');
      setTimeout(() => response.socket?.destroy(), 5);
    });
    await expect(caller.call('/v1/trips', { idempotent: true })).rejects.toMatchObject({ code: 'DEPENDENCY_FAILED' });
    expect(counted.attempts).toBe(3);
  });
});

describe('protocols', () => {
  it('speaks TLS to an https: URL', async () => {
    // A plain HTTP server: the TLS handshake fails, which it would not over node:http.
    const server = await startServer(json(200, {}));
    const { transport } = callerFor(server.url.replace('http:', 'https:'));
    await expect(get(transport)).rejects.toBeInstanceOf(NoAnswer);
    const plain = callerFor(server.url);
    await expect(get(plain.transport)).resolves.toMatchObject({ status: 200 });
  });

  it('refuses a base URL that is neither http: nor https:', () => {
    expect(() => new HttpTransport('ftp://127.0.0.1/')).toThrow(/neither http: nor https:/);
  });
});
