import { describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../src/graphql/query-limits.js';
import { type GraphQLResult, useService } from '../support/service.js';

const test = useService();

async function post(query: string): Promise<{ status: number; body: GraphQLResult }> {
  const response = await fetch(test.service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${test.staffToken}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResult };
}

describe('limits on an operation', () => {
  it('refuses a query deeper than the limit, before running it', async () => {
    let selection = 'id';
    for (let level = 0; level < QUERY_LIMITS.maxDepth; level++) selection = `reservation { ${selection} }`;
    const result = await test.graphql(`{ _entities(representations: []) { ... on Participant { ${selection} } } }`);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from(
      { length: QUERY_LIMITS.maxAliases + 1 },
      (_, index) => `a${index}: reservation(id: "019ab5c4-0000-7000-8000-000000000000") { id }`,
    ).join(' ');
    const result = await test.graphql(`{ ${aliases} }`);
    expect(result.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('refuses an operation with too many tokens as a parse failure, HTTP 400', async () => {
    const fields = Array.from({ length: QUERY_LIMITS.maxTokens }, () => '__typename').join(' ');
    const { status, body } = await post(`{ ${fields} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/more than 3000 tokens/);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED', limit: 'maxTokens' });
  });

  it('answers a truncated document with HTTP 400 and GRAPHQL_PARSE_FAILED', async () => {
    const { status, body } = await post('{ reservation(id: "x") { id ');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('says which limit a refused operation hit, without calling it a syntax error', async () => {
    let selection = 'id';
    for (let level = 0; level < QUERY_LIMITS.maxDepth; level++) selection = `reservation { ${selection} }`;
    const deep = await post(`{ _entities(representations: []) { ... on Participant { ${selection} } } }`);
    const aliases = Array.from(
      { length: QUERY_LIMITS.maxAliases + 1 },
      (_, index) => `a${index}: reservation(id: "x") { id }`,
    ).join(' ');
    const aliased = await post(`{ ${aliases} }`);
    for (const [{ status, body }, limit] of [
      [deep, 'maxDepth'],
      [aliased, 'maxAliases'],
    ] as const) {
      expect(status).toBe(400);
      expect(body.errors?.[0]?.message).not.toMatch(/^Syntax Error/);
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit });
    }
  });

  it('explains a refusal for too many repeated fields instead of a bare "Validation aborted."', async () => {
    const { status, body } = await post(`{ ${Array.from({ length: 1_600 }, () => '__typename').join(' ')} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/too complex to validate/);
    expect(body.errors?.[0]?.extensions?.limit).toBe('validationComplexity');
  });

  it('does not suggest field names in errors', async () => {
    const result = await test.graphql('{ reservatio(id: "x") { id } }');
    expect(result.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('answers a gateway-sized entity batch within the limits', async () => {
    const representations = Array.from({ length: 100 }, () => ({
      __typename: 'Reservation',
      id: '019ab5c4-0000-7000-8000-000000000000',
    }));
    const result = await test.graphql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Reservation { id status participants { id fullName insurance { plan } } statusHistory { to at } } } }`,
      { r: representations },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toHaveLength(100);
  });
});
