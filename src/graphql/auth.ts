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
}

const ROLES: readonly Role[] = ['guest', 'partner', 'staff', 'service'];
const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

export class Authenticator {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;

  constructor(private readonly options: AuthOptions) {
    this.keys = createLocalJWKSet(options.jwks);
  }

  /** null for a request without a token; throws UNAUTHENTICATED for a token that does not verify. */
  async callerOf(headers: IncomingHttpHeaders): Promise<Caller | null> {
    const header = headers.authorization;
    if (!header) return null;
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
    if (!match?.[1]) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(match[1], this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ALGORITHMS,
      }));
    } catch {
      throw new UnauthenticatedError('The token is invalid or expired.');
    }
    return callerOfClaims(payload);
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
