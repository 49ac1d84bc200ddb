import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { EVENT_SCHEMAS } from '../../src/events/contracts.js';

/** Validators built from the JSON Schema files in docs/events (what consumers are given). */
export function eventValidator(name: keyof typeof EVENT_SCHEMAS) {
  const schema = JSON.parse(readFileSync(new URL(`../../docs/events/${name}.schema.json`, import.meta.url), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (payload: unknown): string[] =>
    validate(payload) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
