import { describe, expect, it } from 'vitest';
import { useSupergraph } from '../support/gateway.js';

/** The gateway as deployed (NODE_ENV=production): no introspection, no internals in errors. */
const sg = useSupergraph({ production: true });

describe('the gateway in production', () => {
  it('refuses introspection, even to staff', async () => {
    const result = await sg.request({ query: '{ __schema { types { name } } }' }, sg.service.staffToken);
    expect(result.body.errors?.[0]?.message).toMatch(/introspection/i);
    expect(result.body.data ?? null).toBeNull();
  });

  it('does not suggest field names nor show stack traces for a bad query', async () => {
    const result = await sg.request({ query: '{ reservatio(id: "x") { id } }' }, sg.service.staffToken);
    const text = JSON.stringify(result.body);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(text).not.toMatch(/Did you mean|stacktrace|node_modules/);
  });
});
