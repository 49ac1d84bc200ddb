/**
 * Development tokens for every role, signed with the development key that `npm start` and the local
 * gateway share (`.data/development-jwk.json`, created on first use), so each access rule can be
 * tried by hand:
 *
 *   npm run token -- --role staff
 *   npm run token -- --role guest --guest-id 0b6f6c1e-2f59-4a57-9c35-3f0ad6f8a3d1
 *   npm run token -- --role partner --partner-id acme-adventures
 *   npm run token -- --role service --subject svc-checkin --expires 1h
 *
 * Prints the token alone on stdout (`-H "authorization: Bearer $(npm run -s token -- --role staff)"`).
 * A service started with AUTH_JWKS (production keys) does not accept these tokens.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { isUuid, type Role } from '../src/domain/index.js';
import { DEVELOPMENT_KEY_FILE, developmentKeys } from '../src/graphql/auth.js';

const ROLES: readonly Role[] = ['guest', 'partner', 'staff', 'service'];
const USAGE =
  'usage: npm run token -- --role guest|partner|staff|service [--guest-id UUID] [--partner-id ID] [--subject S] [--expires 12h]';

export interface TokenRequest {
  role: Role;
  subject: string;
  claims: Record<string, string>;
  expires: string;
}

/** The claims of a development token, from the command line; throws a one-line message when wrong. */
export function tokenRequestOf(args: string[]): TokenRequest {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      'guest-id': { type: 'string' },
      'partner-id': { type: 'string' },
      subject: { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  });
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}\n${USAGE}`);
  if (!/^\d+[smhd]$/.test(values.expires)) throw new Error(`--expires takes a number and s, m, h or d (e.g. 30m)\n${USAGE}`);
  const claims: Record<string, string> = { role };
  if (role === 'guest') {
    const guestId = values['guest-id'] ?? randomUUID();
    if (!isUuid(guestId)) throw new Error(`--guest-id must be a UUID\n${USAGE}`);
    claims.guest_id = guestId.toLowerCase();
  } else if (values['guest-id']) throw new Error(`--guest-id goes with --role guest only\n${USAGE}`);
  if (role === 'partner') {
    const partnerId = values['partner-id'];
    if (!partnerId || partnerId.length > 64) throw new Error(`--role partner needs --partner-id (1–64 characters)\n${USAGE}`);
    claims.partner_id = partnerId;
  } else if (values['partner-id']) throw new Error(`--partner-id goes with --role partner only\n${USAGE}`);
  return { role, subject: values.subject ?? `developer-${role}`, claims, expires: values.expires };
}

export async function signDevelopmentToken(request: TokenRequest, keyFile = DEVELOPMENT_KEY_FILE): Promise<string> {
  const issuer = process.env.AUTH_ISSUER || 'https://auth.novatrek.example';
  const audience = process.env.AUTH_AUDIENCE || 'svc-reservations';
  const keys = await developmentKeys(issuer, audience, keyFile);
  return keys.sign(request.claims, request.subject, request.expires);
}

async function main(): Promise<number> {
  let request: TokenRequest;
  try {
    request = tokenRequestOf(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  if (process.env.AUTH_JWKS) console.error('note: AUTH_JWKS is set; a service using it will not accept this development token');
  console.log(await signDevelopmentToken(request));
  if (request.role === 'guest') console.error(`guest_id ${request.claims.guest_id}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
