import { describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../src/graphql/apollo.js';
import { useService } from '../support/service.js';

const test = useService();

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

  it('refuses an operation with too many tokens', async () => {
    const fields = Array.from({ length: QUERY_LIMITS.maxTokens }, () => '__typename').join(' ');
    const result = await test.graphql(`{ ${fields} }`);
    expect(result.errors?.[0]?.message).toMatch(/token/i);
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
