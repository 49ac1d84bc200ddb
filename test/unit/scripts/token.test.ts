import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signDevelopmentToken, tokenRequestOf } from '../../../scripts/token.js';
import { Authenticator, developmentKeys } from '../../../src/graphql/auth.js';

const dir = mkdtempSync(path.join(tmpdir(), 'token-test-'));
const keyFile = path.join(dir, 'development-jwk.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function callerOf(token: string) {
  const keys = await developmentKeys('https://auth.novatrek.example', 'svc-reservations', keyFile);
  const authenticator = new Authenticator({
    jwks: keys.jwks,
    issuer: 'https://auth.novatrek.example',
    audience: 'svc-reservations',
  });
  return authenticator.callerOf({ authorization: `Bearer ${token}` });
}

describe('npm run token', () => {
  it('signs a token for each role that the service accepts with the development keys', async () => {
    const guestId = '0b6f6c1e-2f59-4a57-9c35-3f0ad6f8a3d1';
    const cases = [
      { args: ['--role', 'staff'], expected: { role: 'staff', subject: 'developer-staff' } },
      { args: ['--role', 'service', '--subject', 'svc-checkin'], expected: { role: 'service', subject: 'svc-checkin' } },
      { args: ['--role', 'guest', '--guest-id', guestId.toUpperCase()], expected: { role: 'guest', guestId } },
      { args: ['--role', 'partner', '--partner-id', 'acme'], expected: { role: 'partner', partnerId: 'acme' } },
    ];
    for (const { args, expected } of cases) {
      const caller = await callerOf(await signDevelopmentToken(tokenRequestOf(args), keyFile));
      expect(caller).toMatchObject(expected);
    }
  });

  it('gives a guest token a fresh guest id when none is named', () => {
    const request = tokenRequestOf(['--role', 'guest']);
    expect(request.claims.guest_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    [[], /--role must be one of/],
    [['--role', 'admin'], /--role must be one of/],
    [['--role', 'guest', '--guest-id', 'not-a-uuid'], /--guest-id must be a UUID/],
    [['--role', 'partner'], /needs --partner-id/],
    [['--role', 'staff', '--partner-id', 'acme'], /--partner-id goes with --role partner only/],
    [['--role', 'staff', '--expires', 'forever'], /--expires takes/],
  ])('refuses %j with one clear line', (args, message) => {
    expect(() => tokenRequestOf(args)).toThrow(message);
  });
});
