import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EVENT_SCHEMAS, TOPICS } from '../../../src/events/contracts.js';

const docsDir = new URL('../../../docs/', import.meta.url);
const asyncapi = parse(readFileSync(new URL('asyncapi.yaml', docsDir), 'utf8')) as {
  asyncapi: string;
  channels: Record<string, { address: string }>;
  components: { messages: Record<string, { payload?: { $ref?: string } }> };
};

describe('the AsyncAPI document', () => {
  it('is AsyncAPI 3 and names every topic the service produces or consumes', () => {
    expect(asyncapi.asyncapi).toBe('3.0.0');
    expect(
      Object.values(asyncapi.channels)
        .map((channel) => channel.address)
        .sort(),
    ).toEqual(Object.values(TOPICS).sort());
  });

  it('points at payload schema files that exist', () => {
    const refs = Object.values(asyncapi.components.messages)
      .map((message) => message.payload?.$ref)
      .filter((ref): ref is string => typeof ref === 'string');
    expect(refs).toHaveLength(Object.keys(EVENT_SCHEMAS).length);
    for (const ref of refs) expect(existsSync(new URL(ref, docsDir)), ref).toBe(true);
  });
});
