import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stand-ins for the services svc-reservations calls, speaking the contracts of
 * src/clients/contracts.ts and docs/contracts/: guest-profiles, trip-catalog, payments,
 * notifications. Each has `POST /__control` (mode normal | slow | fail | down | decline, delayMs,
 * suspendedGuests, unknownGuests, fullTrips, tripMaxAgeSeconds) and `GET|DELETE /__calls` (what it was
 * asked). A control replaces the whole previous one: what it leaves out is back to its default.
 */

export type StubName = 'guest-profiles' | 'trip-catalog' | 'payments' | 'notifications';
export const STUB_NAMES: StubName[] = ['guest-profiles', 'trip-catalog', 'payments', 'notifications'];
export const DEFAULT_PORTS: Record<StubName, number> = {
  'guest-profiles': 4101,
  'trip-catalog': 4102,
  payments: 4103,
  notifications: 4104,
};

interface Control {
  mode: 'normal' | 'slow' | 'fail' | 'down' | 'decline';
  delayMs: number;
  suspendedGuests: string[];
  unknownGuests: string[];
  fullTrips: string[];
  /** The `Cache-Control: max-age` of the catalog's trips (the contract's 60 s); 0 answers `no-store`. */
  tripMaxAgeSeconds: number;
}

export interface RecordedCall {
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** The W3C trace context the caller sent, if any (tracing tests). */
  traceparent: string | null;
  body: unknown;
}

interface StubState {
  control: Control;
  calls: RecordedCall[];
  payments: Map<string, { paymentId: string; status: string; declineReason?: string }>;
  notifications: Map<string, unknown>;
}

type Handler = (
  request: IncomingMessage,
  body: unknown,
  state: StubState,
) => { status: number; body: unknown; headers?: Record<string, string> };

const TRIP_CAPACITY = 12;

const handlers: Record<StubName, Handler> = {
  'guest-profiles': (request, body, state) => {
    if (request.method !== 'POST' || !request.url?.startsWith('/v1/guests:validate')) return notFound();
    const ids = (body as { ids?: string[] })?.ids ?? [];
    return {
      status: 200,
      body: {
        guests: ids.map((id) => ({
          id,
          status: state.control.suspendedGuests.includes(id)
            ? 'SUSPENDED'
            : state.control.unknownGuests.includes(id)
              ? 'UNKNOWN'
              : 'ACTIVE',
        })),
      },
    };
  },
  'trip-catalog': (request, body, state) => {
    const url = new URL(request.url ?? '/', 'http://stub');
    if (request.method === 'GET' && url.pathname === '/v1/trips') {
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
      const maxAge = state.control.tripMaxAgeSeconds;
      return {
        status: 200,
        headers: { 'cache-control': maxAge > 0 ? `max-age=${maxAge}` : 'no-store' },
        body: {
          trips: ids.map((id) => ({
            id,
            name: `Trip ${id.slice(0, 8)}`,
            capacity: TRIP_CAPACITY,
            depositCents: 5_000,
            currency: 'EUR',
          })),
        },
      };
    }
    if (request.method === 'POST' && url.pathname === '/v1/availability:check') {
      const checks = (body as { checks?: { tripId: string; tripDate: string; seats: number }[] })?.checks ?? [];
      return {
        status: 200,
        body: {
          results: checks.map((check) => {
            const full = state.control.fullTrips.includes(check.tripId);
            const seatsLeft = full ? 0 : TRIP_CAPACITY;
            return { tripId: check.tripId, tripDate: check.tripDate, available: seatsLeft >= check.seats, seatsLeft };
          }),
        },
      };
    }
    return notFound();
  },
  payments: (request, body, state) => {
    if (request.method !== 'POST' || request.url !== '/v1/deposits') return notFound();
    const key = headerOf(request, 'idempotency-key');
    if (!key)
      return { status: 400, body: { error: { code: 'IDEMPOTENCY_KEY_REQUIRED', message: 'Idempotency-Key is required' } } };
    const earlier = state.payments.get(key);
    if (earlier) return { status: 200, body: earlier };
    const payment =
      state.control.mode === 'decline'
        ? { paymentId: `pay_${randomUUID().slice(0, 12)}`, status: 'DECLINED', declineReason: 'card declined' }
        : { paymentId: `pay_${randomUUID().slice(0, 12)}`, status: 'PROCESSING' };
    state.payments.set(key, payment);
    void body;
    return { status: 201, body: payment };
  },
  notifications: (request, body, state) => {
    if (request.method !== 'POST' || request.url !== '/v1/notifications') return notFound();
    const key = headerOf(request, 'idempotency-key');
    if (!key)
      return { status: 400, body: { error: { code: 'IDEMPOTENCY_KEY_REQUIRED', message: 'Idempotency-Key is required' } } };
    if (!state.notifications.has(key)) state.notifications.set(key, body);
    return { status: 202, body: { accepted: true } };
  },
};

function notFound() {
  return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no such endpoint' } } };
}

function headerOf(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let raw = '';
  for await (const chunk of request) raw += (chunk as Buffer).toString();
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    return raw;
  }
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function stubServer(name: StubName, state: StubState): Server {
  return createServer((request, response) => {
    void (async () => {
      const body = await readJson(request);
      if (request.url === '/__control' && request.method === 'POST') {
        state.control = { ...freshControl(), ...(body as Partial<Control>) };
        return send(response, 200, state.control);
      }
      if (request.url === '/__calls') {
        if (request.method === 'DELETE') state.calls.length = 0;
        return send(response, 200, state.calls);
      }
      state.calls.push({
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        idempotencyKey: headerOf(request, 'idempotency-key'),
        traceparent: headerOf(request, 'traceparent'),
        body,
      });
      const { mode, delayMs } = state.control;
      if (mode === 'down') return request.socket.destroy();
      if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, delayMs || 5_000));
      if (mode === 'fail') return send(response, 503, { error: { code: 'UNAVAILABLE', message: `${name} is failing (stub)` } });
      const answer = handlers[name](request, body, state);
      send(response, answer.status, answer.body, answer.headers);
    })().catch(() => response.destroy());
  });
}

function freshControl(): Control {
  return { mode: 'normal', delayMs: 0, suspendedGuests: [], unknownGuests: [], fullTrips: [], tripMaxAgeSeconds: 60 };
}

export interface RunningStubs {
  urls: Record<StubName, string>;
  control(name: StubName, control: Partial<Control>): Promise<void>;
  calls(name: StubName): RecordedCall[];
  clearCalls(): void;
  stop(): Promise<void>;
}

/** The service's settings that point booking checks and deposits at these stubs. */
export function bookingServiceUrls(stubs: Pick<RunningStubs, 'urls'>): {
  GUEST_PROFILES_URL: string;
  TRIP_CATALOG_URL: string;
  PAYMENTS_URL: string;
} {
  return {
    GUEST_PROFILES_URL: stubs.urls['guest-profiles'],
    TRIP_CATALOG_URL: stubs.urls['trip-catalog'],
    PAYMENTS_URL: stubs.urls.payments,
  };
}

/** Starts all four; `ports` of 0 pick free ports (tests). */
export async function startStubs(ports: Partial<Record<StubName, number>> = {}, host = '127.0.0.1'): Promise<RunningStubs> {
  const states = new Map<StubName, StubState>();
  const servers = new Map<StubName, Server>();
  const urls = {} as Record<StubName, string>;
  for (const name of STUB_NAMES) {
    const state: StubState = { control: freshControl(), calls: [], payments: new Map(), notifications: new Map() };
    const server = stubServer(name, state);
    await new Promise<void>((resolve) => server.listen(ports[name] ?? DEFAULT_PORTS[name], host, resolve));
    states.set(name, state);
    servers.set(name, server);
    urls[name] = `http://${host}:${(server.address() as AddressInfo).port}`;
  }
  return {
    urls,
    control: async (name, control) => {
      const state = states.get(name);
      if (state) state.control = { ...freshControl(), ...control };
    },
    calls: (name) => [...(states.get(name)?.calls ?? [])],
    clearCalls: () => {
      for (const state of states.values()) state.calls.length = 0;
    },
    stop: async () => {
      await Promise.all(
        [...servers.values()].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
