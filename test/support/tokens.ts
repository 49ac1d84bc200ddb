import type { Role } from '../../src/domain/index.js';
import { developmentKeys } from '../../src/graphql/auth.js';

export const TEST_ISSUER = 'https://auth.test.example';
export const TEST_AUDIENCE = 'svc-reservations';

export interface TestTokens {
  /** AUTH_JWKS for the service under test. */
  jwks: string;
  /** A signed token for a caller; `extra` adds or overrides claims (guest_id, partner_id, aud …). */
  sign(role: Role | string, subject?: string, extra?: Record<string, unknown>): Promise<string>;
}

/** A key pair of the test's own, as the identity provider's would be. */
export async function createTestTokens(): Promise<TestTokens> {
  const keys = await developmentKeys(TEST_ISSUER, TEST_AUDIENCE);
  return {
    jwks: JSON.stringify(keys.jwks),
    sign: (role, subject = `test-${role}`, extra = {}) => keys.sign({ role, ...extra }, subject),
  };
}

export const authEnv = (tokens: TestTokens): Record<string, string> => ({
  AUTH_JWKS: tokens.jwks,
  AUTH_ISSUER: TEST_ISSUER,
  AUTH_AUDIENCE: TEST_AUDIENCE,
});
