import type { IHeaders } from 'kafkajs';

/**
 * The CloudEvents checks every consumed contract shares (Kafka binding, binary mode): the `ce_*`
 * headers first (a message that is not the contract is never looked into), then the value as
 * JSON. Pure: whatever the bytes, it answers or gives the reason to dead-letter; it never throws.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });
const CONTROL = /\p{Cc}/u;
const MAX_EVENT_ID = 128;
const MAX_SOURCE = 1_024;

/** One header's text; a repeated header, invalid UTF-8 or control characters are refused. */
function single(headers: IHeaders | undefined, name: string): { text: string | null; problem?: string } {
  const value = headers?.[name];
  if (value === undefined) return { text: null };
  if (Array.isArray(value) && value.length !== 1) return { text: null, problem: `${name} header is repeated` };
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return { text: null };
  let text: string;
  try {
    text = typeof first === 'string' ? first : utf8.decode(first);
  } catch {
    return { text: null, problem: `${name} header is not UTF-8` };
  }
  if (CONTROL.test(text)) return { text: null, problem: `${name} header contains control characters` };
  return { text };
}

/** The CloudEvents attributes a consumed contract fixes (its `ce_source` may be any non-empty one). */
export interface CloudEventAttributes {
  specversion: string;
  type: string;
  contentType: string;
}

/** `application/json`, optionally with `charset=utf-8` (media types are case-insensitive). */
function isJsonContentType(value: string, expected: string): boolean {
  const [type, ...parameters] = value.split(';').map((part) => part.trim().toLowerCase());
  return type === expected && parameters.every((p) => p.replace(/\s/g, '') === 'charset=utf-8');
}

/** Why these headers are not a CloudEvent of this contract, or null when they are. */
export function cloudEventProblem(headers: IHeaders | undefined, expected: CloudEventAttributes): string | null {
  const specversion = single(headers, 'ce_specversion');
  const type = single(headers, 'ce_type');
  const contentType = single(headers, 'content-type');
  const id = single(headers, 'ce_id');
  const source = single(headers, 'ce_source');
  const problem = [specversion, type, contentType, id, source].find((header) => header.problem)?.problem;
  if (problem) return problem;
  const show = (text: string | null) => (text === null ? 'missing' : JSON.stringify(text.slice(0, 100)));
  if (specversion.text !== expected.specversion)
    return `ce_specversion is ${show(specversion.text)}, expected "${expected.specversion}"`;
  if (type.text !== expected.type) return `ce_type is ${show(type.text)}, expected "${expected.type}"`;
  if (contentType.text === null || !isJsonContentType(contentType.text, expected.contentType))
    return `content-type is ${show(contentType.text)}, expected "${expected.contentType}"`;
  if (!id.text || id.text.length > MAX_EVENT_ID) return `ce_id is ${id.text ? 'longer than 128 characters' : 'missing or empty'}`;
  if (!source.text || source.text.length > MAX_SOURCE) return `ce_source is ${source.text ? 'too long' : 'missing or empty'}`;
  return null;
}

/** The header checks passed: the event id, the source, and the value parsed as JSON (or the reason it is not). */
export function readCloudEvent(
  message: { headers?: IHeaders | undefined; value: Buffer | null },
  expected: CloudEventAttributes,
): { ok: true; eventId: string; source: string; body: unknown } | { ok: false; reason: string } {
  const problem = cloudEventProblem(message.headers, expected);
  if (problem) return { ok: false, reason: problem };
  const eventId = single(message.headers, 'ce_id').text as string;
  const source = single(message.headers, 'ce_source').text as string;
  if (!message.value) return { ok: false, reason: 'value is missing' };
  try {
    return { ok: true, eventId, source, body: JSON.parse(utf8.decode(message.value)) };
  } catch {
    return { ok: false, reason: 'value is not JSON' };
  }
}
