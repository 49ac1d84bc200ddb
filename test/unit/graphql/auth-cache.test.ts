import { afterEach, describe, expect, it, vi } from 'vitest';
import { Authenticator, developmentKeys } from '../../../src/graphql/auth.js';

/** Verified tokens are remembered until their `exp`: the cache must never accept what jose would refuse. */

const ISSUER = 'https://auth.test';
const AUDIENCE = 'svc-reservations';
const keys = await developmentKeys(ISSUER, AUDIENCE);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

afterEach(() => vi.useRealTimers());

describe('the cache of verified tokens', () => {
  it('refuses a remembered token once it has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    const authenticator = new Authenticator({ jwks: keys.jwks, issuer: ISSUER, audience: AUDIENCE });
    const token = await keys.sign({ role: 'staff' }, 'alice', '60s');
    expect(await authenticator.callerOf(bearer(token))).toEqual({ role: 'staff', subject: 'alice' });
    vi.setSystemTime(new Date('2026-12-01T10:00:59Z'));
    expect(await authenticator.callerOf(bearer(token))).toEqual({ role: 'staff', subject: 'alice' });
    vi.setSystemTime(new Date('2026-12-01T10:01:00Z'));
    await expect(authenticator.callerOf(bearer(token))).rejects.toThrow('The token is invalid or expired.');
  });

  it('hands out a copy: a caller changed by one request is not the next one', async () => {
    const authenticator = new Authenticator({ jwks: keys.jwks, issuer: ISSUER, audience: AUDIENCE });
    const token = await keys.sign({ role: 'partner', partner_id: 'acme' }, 'p1');
    const first = await authenticator.callerOf(bearer(token));
    if (first) first.partnerId = 'other';
    expect(await authenticator.callerOf(bearer(token))).toEqual({ role: 'partner', subject: 'p1', partnerId: 'acme' });
  });

  it('keeps refusing a bad token and answers every token by its own claims when full', async () => {
    const authenticator = new Authenticator({ jwks: keys.jwks, issuer: ISSUER, audience: AUDIENCE, cachedTokens: 1 });
    const tokens = await Promise.all(['a', 'b', 'c'].map((subject) => keys.sign({ role: 'staff' }, subject)));
    for (let round = 0; round < 2; round++) {
      for (const [index, token] of tokens.entries()) {
        expect(await authenticator.callerOf(bearer(token))).toEqual({ role: 'staff', subject: ['a', 'b', 'c'][index] });
      }
    }
    const forged = `${tokens[0]?.slice(0, -4)}AAAA`;
    for (let round = 0; round < 2; round++) {
      await expect(authenticator.callerOf(bearer(forged))).rejects.toThrow('The token is invalid or expired.');
    }
  });
});
