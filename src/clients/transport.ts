import http from 'node:http';
import https from 'node:https';

/**
 * The wire under every call to another service: `node:http`/`node:https` requests over a
 * keep-alive Agent of the service's own, not `fetch`, which took twice the CPU a call (undici's web
 * streams, Headers, Response: BENCHMARKS.md, write 4); a plain request with its answer read into
 * one string is all a JSON call needs. Traced by OpenTelemetry's http instrumentation, which
 * patches these modules (client spans, `traceparent` sent along).
 *
 * What the socket or the answer reports (refused, reset, DNS, TLS, a malformed answer, a cancelled
 * attempt) rejects as NoAnswer; what http.request throws at once (a header it refuses) is a bug of
 * ours and rejects as it is.
 */

/** One exchange with the service, as its callers see it (ServiceCaller, the notification sender). */
export interface OutboundRequest {
  method: 'GET' | 'POST';
  /** Resolved against the service's base URL, as `new URL(path, baseUrl)`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborting it cancels the exchange where it is: the request is destroyed with its socket. */
  signal: AbortSignal;
}

/** The status and the whole body, decoded as UTF-8, with the headers that say how long it may be kept. */
export interface OutboundAnswer {
  status: number;
  text: string;
  cacheControl?: string | undefined;
  age?: string | undefined;
}

/** Rejects with NoAnswer or AnswerTooLarge when the service gave nothing usable (see above). */
export type Send = (request: OutboundRequest) => Promise<OutboundAnswer>;

/** The service could not be reached or gave no complete answer; `code` is Node's (ECONNREFUSED, ECONNRESET, ABORT_ERR…). */
export class NoAnswer extends Error {
  override name = 'NoAnswer';
  readonly code: string | undefined;

  constructor(cause: Error) {
    super(cause.message, { cause });
    this.code = (cause as NodeJS.ErrnoException).code;
  }
}

/**
 * An answer over the size limit, refused before it is read to its end (its connection is closed).
 * Not worth another attempt: the same request would bring the same answer, another megabyte each
 * time. Counted by the breaker like any failure of the service.
 */
export class AnswerTooLarge extends Error {
  override name = 'AnswerTooLarge';
}

/** Longer answers are refused: ours are a few kilobytes (100 trips ≈ 15 kB); a megabyte is a service gone wrong. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Connections to one service. Sockets are reused newest first (`lifo`), so the fewest stay warm
 * and the rest time out; an idle socket is closed after 4 s, before the 5 s after which Node's
 * servers close theirs (sooner if the server's `Keep-Alive: timeout=…` says so), so a reused one is
 * rarely found reset. At most 64 sockets: calls in flight to one service are at most the GraphQL
 * requests in flight (one batched call per service and request), 16 in the write benchmark, and a
 * burst of bookings or a batch of 200 notifications must not open hundreds of connections to one
 * service (undici's pool had no limit); calls beyond wait for a socket within their own time
 * budget. Idle sockets are unref'd by the Agent and do not keep the process up; close() ends them.
 */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 64, scheduling: 'lifo', timeout: 4_000 } as const;

type Request = (url: URL, options: http.RequestOptions, onAnswer: (answer: http.IncomingMessage) => void) => http.ClientRequest;

export class HttpTransport {
  private readonly baseUrl: URL;
  private readonly request: Request;
  private readonly agent: http.Agent;

  constructor(baseUrl: string) {
    this.baseUrl = new URL(baseUrl);
    // Read through the module at each call, where the OpenTelemetry instrumentation patched it.
    if (this.baseUrl.protocol === 'http:') {
      this.request = (url, options, onAnswer) => http.request(url, options, onAnswer);
      this.agent = new http.Agent(AGENT_OPTIONS);
    } else if (this.baseUrl.protocol === 'https:') {
      this.request = (url, options, onAnswer) => https.request(url, options, onAnswer);
      this.agent = new https.Agent(AGENT_OPTIONS);
    } else {
      throw new Error(`${baseUrl} is neither http: nor https:`);
    }
  }

  readonly send: Send = (request) =>
    new Promise<OutboundAnswer>((resolve, reject) => {
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
      const fail = (error: Error) => reject(error instanceof AnswerTooLarge ? error : new NoAnswer(error));
      const outgoing = this.request(
        new URL(request.path, this.baseUrl),
        { method: request.method, headers, agent: this.agent, signal: request.signal },
        (answer) => {
          const declared = Number(answer.headers['content-length']);
          if (declared > MAX_BODY_BYTES) {
            outgoing.destroy(tooLarge());
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          answer.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) outgoing.destroy(tooLarge());
            else chunks.push(chunk);
          });
          answer.on('end', () => {
            if (size > MAX_BODY_BYTES) return;
            resolve({
              status: answer.statusCode ?? 0,
              text: utf8(chunks, size),
              cacheControl: answer.headers['cache-control'],
              age: answer.headers.age,
            });
          });
          // Cut off mid-answer (ECONNRESET 'aborted'), or destroyed above.
          answer.on('error', fail);
        },
      );
      // Refused, reset, DNS, TLS, a malformed answer, the signal's abort, or destroyed above.
      outgoing.on('error', fail);
      outgoing.end(request.body);
    });

  /** Closes the sockets, idle and in use; a later call opens new ones. */
  close(): void {
    this.agent.destroy();
  }
}

const tooLarge = () => new AnswerTooLarge(`the answer is longer than ${MAX_BODY_BYTES} bytes`);

/** As fetch's `text()`: UTF-8, invalid bytes replaced, a byte order mark dropped. */
function utf8(chunks: Buffer[], size: number): string {
  const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
