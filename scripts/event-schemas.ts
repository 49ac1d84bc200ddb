/** Writes docs/events/<event>.schema.json from src/events/contracts.ts (`npm run events:schemas`). */
import { writeFileSync } from 'node:fs';
import { EVENT_SCHEMAS, jsonSchemaOf } from '../src/events/contracts.js';

for (const name of Object.keys(EVENT_SCHEMAS) as (keyof typeof EVENT_SCHEMAS)[]) {
  const file = new URL(`../docs/events/${name}.schema.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`);
  console.log(`wrote docs/events/${name}.schema.json`);
}
