import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GATEWAY_LIMITS } from '../../gateway/runtime.js';
import { useSupergraph } from '../support/gateway.js';

/** The gateway refuses like the subgraph (gateway/refusals.ts): 400s that name the limit or the variable. */
const sg = useSupergraph();
const staff = () => sg.service.staffToken;

describe('refusals at the gateway', () => {
  it('answers a truncated document and one over the token limit with HTTP 400, GRAPHQL_PARSE_FAILED', async () => {
    const truncated = await sg.request({ query: '{ reservation(id: "x") { id ' }, staff());
    const fields = Array.from({ length: GATEWAY_LIMITS.maxTokens }, () => '__typename').join(' ');
    const tooLong = await sg.request({ query: `{ ${fields} }` }, staff());
    for (const result of [truncated, tooLong]) {
      expect(result.status).toBe(400);
      expect(result.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    }
    expect(tooLong.body.errors?.[0]?.extensions?.limit).toBe('maxTokens');
  });

  it('names the depth and alias limits without calling a valid document a syntax error', async () => {
    const deep = `{ guest(id: "${randomUUID()}") { reservations { edges { node { participants { guest { reservations { edges { node { participants { guest { reservations { edges { node { id } } } } } } } } } } } } } } }`;
    const aliases = `{ ${Array.from({ length: GATEWAY_LIMITS.maxAliases + 5 }, (_, i) => `a${i}: reservation(id: "${randomUUID()}") { id }`).join(' ')} }`;
    const cases = [
      { query: deep, limit: 'maxDepth' },
      { query: aliases, limit: 'maxAliases' },
    ];
    for (const { query, limit } of cases) {
      const result = await sg.request({ query }, staff());
      expect(result.status).toBe(400);
      const error = result.body.errors?.[0];
      expect(error?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit });
      expect(error?.message).not.toMatch(/^Syntax Error/);
    }
  });

  it('says what 1,600 repeated fields exceed', async () => {
    const fields = Array.from({ length: 1_600 }, () => '__typename').join(' ');
    const result = await sg.request({ query: `{ ${fields} }` }, staff());
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.limit).toBe('validationComplexity');
    expect(result.body.errors?.[0]?.message).not.toBe('Validation aborted.');
  });

  it('gives a wrongly typed variable BAD_USER_INPUT with the variable path', async () => {
    const result = await sg.request(
      { query: 'query($id: ID!) { reservation(id: $id) { id } }', variables: { id: { nested: true } } },
      staff(),
    );
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});
