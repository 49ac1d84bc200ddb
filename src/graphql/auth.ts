import { timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, jwtVerify, SignJWT } from 'jose';
import {
  type Caller,
  checkedText,
  InputProblems,
  isUuid,
  MAX_PARTNER_ID_LENGTH,
  type Role,
  UnauthenticatedError,
} from '../domain/index.js';

/**
 * Who is calling. The gateway forwards the caller's signed token (JWT, `Authorization: Bearer`),
 * verified here against the configured public keys (JWKS), issuer and audience. When a gateway
 * secret is configured, only requests carrying it (`x-gateway-secret`, compared in constant time)
 * reach the GraphQL layer at all: `_service` and `_entities` must not be open to anyone else.
 */

export interface AuthOptions {
  jwks: JSONWebKeySet;
  issuer: string;
  audience: string;
  /** How many verified tokens to remember until their `exp` (0: verify every request). */
  cachedTokens?: number;
}

/** A gateway forwards the same few tokens many times: enough for every active caller of a minute. */
const DEFAULT_CACHED_TOKENS = 10_000;

const ROLES: readonly Role[] = ['guest', 'partner', 'staff', 'service'];
const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

export class Authenticator {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;
  /**
   * Verified tokens and their caller until the token's `exp` (ms), least recently used first: an
   * ES256 verification is ~6% of a read's CPU (BENCHMARKS.md). The keys are fixed for the life of
   * the process, so a token that verified once verifies until it expires; refusals are not kept.
   */
  private readonly verified = new Map<string, { caller: Caller; expiresAt: number }>();
  private readonly maxCached: number;

  constructor(private readonly options: AuthOptions) {
    this.keys = createLocalJWKSet(options.jwks);
    this.maxCached = options.cachedTokens ?? DEFAULT_CACHED_TOKENS;
  }

  /** null for a request without a token; throws UNAUTHENTICATED for a token that does not verify. */
  async callerOf(headers: IncomingHttpHeaders): Promise<Caller | null> {
    const header = headers.authorization;
    if (!header) return null;
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
    if (!match?.[1]) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
    const token = match[1];
    const cached = this.verified.get(token);
    if (cached) {
      this.verified.delete(token);
      if (cached.expiresAt > Date.now()) {
        this.verified.set(token, cached);
        return { ...cached.caller };
      }
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ALGORITHMS,
      }));
    } catch {
      throw new UnauthenticatedError('The token is invalid or expired.');
    }
    const caller = callerOfClaims(payload);
    this.remember(token, caller, payload.exp);
    return caller;
  }

  /** Only tokens that expire are kept (jose accepts one without `exp`; it is verified each time). */
  private remember(token: string, caller: Caller, exp: unknown): void {
    if (this.maxCached <= 0 || typeof exp !== 'number') return;
    if (this.verified.size >= this.maxCached) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, { caller: { ...caller }, expiresAt: exp * 1000 });
  }
}

/**
 * A caller is recorded as `role:subject` (the actor of history rows, the scope of idempotency keys,
 * `varchar(128)`): the longest role is 7 characters and its colon one more.
 */
const MAX_SUBJECT_LENGTH = 120;

/** A claim that is text we can store as given: no control characters, not blank, not too long. */
function claimText(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const problems = new InputProblems();
  return checkedText(problems, 'claim', value, { max }) === value && problems.count === 0 ? value : null;
}

function callerOfClaims(claims: Record<string, unknown>): Caller {
  const role = claims.role;
  const subject = claimText(claims.sub, MAX_SUBJECT_LENGTH);
  if (subject === null || !ROLES.includes(role as Role)) {
    throw new UnauthenticatedError('The token names no subject or no known role.');
  }
  const caller: Caller = { role: role as Role, subject };
  if (caller.role === 'guest') {
    if (typeof claims.guest_id !== 'string' || !isUuid(claims.guest_id))
      throw new UnauthenticatedError('A guest token must carry guest_id.');
    caller.guestId = claims.guest_id.toLowerCase();
  }
  if (caller.role === 'partner') {
    const partnerId = claimText(claims.partner_id, MAX_PARTNER_ID_LENGTH);
    if (partnerId === null) throw new UnauthenticatedError('A partner token must carry partner_id.');
    caller.partnerId = partnerId;
  }
  return caller;
}

export function gatewaySecretMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The development key pair: kept in `keyFile` (git-ignored, mode 600) when given, so the subgraph
 * and the local gateway (`npm start`, `npm run gateway`) accept the same development tokens.
 */
/** Shared by `npm start` and the local gateway (`npm run gateway`); development only, git-ignored. */
export const DEVELOPMENT_KEY_FILE = '.data/development-jwk.json';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

async function developmentKeyPair(keyFile?: string): Promise<KeyPair> {
  if (keyFile && existsSync(keyFile)) {
    const jwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
    const { d: _private, ...publicJwk } = jwk;
    return {
      privateKey: (await importJWK(jwk, 'ES256')) as KeyPair['privateKey'],
      publicKey: (await importJWK(publicJwk, 'ES256')) as KeyPair['publicKey'],
    };
  }
  const pair = await generateKeyPair('ES256', { extractable: true });
  if (keyFile) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, JSON.stringify(await exportJWK(pair.privateKey)), { mode: 0o600 });
  }
  return pair;
}

/**
 * Development only (no AUTH_JWKS, NODE_ENV=development): an ephemeral key pair, so `npm start`
 * works out of the box, and a signer for the tokens printed at start. Never used in production
 * (configuration refuses to start without AUTH_JWKS there).
 */
export async function developmentKeys(issuer: string, audience: string, keyFile?: string) {
  const { publicKey, privateKey } = await developmentKeyPair(keyFile);
  const jwk = { ...(await exportJWK(publicKey)), kid: 'development', alg: 'ES256', use: 'sig' };
  return {
    jwks: { keys: [jwk] } as JSONWebKeySet,
    /** `iss`/`aud` in `claims` win over the defaults (tests sign tokens meant for others). */
    sign: (claims: Record<string, unknown>, subject: string, expiresIn = '12h') =>
      new SignJWT({ iss: issuer, aud: audience, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'development' })
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(privateKey),
  };
}
