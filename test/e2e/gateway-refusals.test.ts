import { describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../src/graphql/apollo.js';
import { useSupergraph } from '../support/gateway.js';

/** The gateway shares the subgraph's limits (queryLimits): its refusals are 400s that name them. */
const sg = useSupergraph();

describe('refusals at the gateway', () => {
  it('answers a truncated document and one over the token limit with HTTP 400, GRAPHQL_PARSE_FAILED', async () => {
    const truncated = await sg.request({ query: '{ reservation(id: "x") { id ' }, sg.service.staffToken);
    const fields = Array.from({ length: QUERY_LIMITS.maxTokens }, () => '__typename').join(' ');
    const tooLong = await sg.request({ query: `{ ${fields} }` }, sg.service.staffToken);
    for (const result of [truncated, tooLong]) {
      expect(result.status).toBe(400);
      expect(result.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    }
    expect(tooLong.body.errors?.[0]?.extensions?.limit).toBe('maxTokens');
  });

  it('says what 1,600 repeated fields exceed', async () => {
    const fields = Array.from({ length: 1_600 }, () => '__typename').join(' ');
    const result = await sg.request({ query: `{ ${fields} }` }, sg.service.staffToken);
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.limit).toBe('validationComplexity');
  });
});
