import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type pg from 'pg';

/**
 * Compares prisma/schema.prisma with a migrated database: tables, columns, types, nullability,
 * enums, indexes (primary, unique, plain) and foreign keys. Prisma's own differ needs the schema
 * engine binary; this reads the schema with Prisma's WebAssembly parser instead.
 */

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
}
interface DmmfEnum {
  name: string;
  dbName: string | null;
  values: { name: string; dbName: string | null }[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}
interface Datamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

const require = createRequire(import.meta.url);

export function readDatamodel(schemaPath: string): Datamodel {
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const schema = readFileSync(schemaPath, 'utf8');
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] }))) as {
    datamodel: Datamodel;
  };
  return dmmf.datamodel;
}

const columnName = (field: DmmfField): string => field.dbName ?? field.name;

function expectedType(field: DmmfField, enums: DmmfEnum[]): string {
  if (field.kind === 'enum') {
    const found = enums.find((candidate) => candidate.name === field.type);
    return found?.dbName ?? field.type;
  }
  const [native, args] = field.nativeType ?? [null, []];
  const arg = args[0];
  switch (native) {
    case 'Uuid':
      return 'uuid';
    case 'VarChar':
      return arg ? `character varying(${arg})` : 'character varying';
    case 'Char':
      return `character(${arg ?? 1})`;
    case 'Text':
      return 'text';
    case 'Date':
      return 'date';
    case 'Timestamptz':
      return `timestamp(${arg ?? 6}) with time zone`;
    case 'Timestamp':
      return `timestamp(${arg ?? 6}) without time zone`;
    case 'SmallInt':
      return 'smallint';
    case 'Integer':
      return 'integer';
    case 'JsonB':
      return 'jsonb';
    case 'Json':
      return 'json';
    case null:
      break;
    default:
      return native.toLowerCase();
  }
  const defaults: Record<string, string> = {
    String: 'text',
    Int: 'integer',
    BigInt: 'bigint',
    Boolean: 'boolean',
    Float: 'double precision',
    Decimal: 'numeric(65,30)',
    DateTime: 'timestamp(3) without time zone',
    Json: 'jsonb',
    Bytes: 'bytea',
  };
  return defaults[field.type] ?? `unknown Prisma type ${field.type}`;
}

/** One line per fact, so the two sides compare as sets and a difference reads as a sentence. */
export function factsFromPrisma(model: Datamodel, schemaName: string): Set<string> {
  const facts = new Set<string>();
  const tableOf = new Map(model.models.map((m) => [m.name, m.dbName ?? m.name]));
  for (const m of model.models) {
    if ((m.schema ?? 'public') !== schemaName) continue;
    const table = m.dbName ?? m.name;
    facts.add(`table ${table}`);
    const byName = new Map(m.fields.map((field) => [field.name, field]));
    for (const field of m.fields) {
      if (field.kind === 'object') {
        const from = field.relationFromFields ?? [];
        if (from.length > 0) {
          const to = field.relationToFields ?? [];
          const target = model.models.find((candidate) => candidate.name === field.type);
          const targetColumns = to.map((name) =>
            columnName(target?.fields.find((f) => f.name === name) ?? ({ name } as DmmfField)),
          );
          const cols = from.map((name) => columnName(byName.get(name) ?? ({ name } as DmmfField)));
          facts.add(`foreign key ${table}(${cols.join(',')}) -> ${tableOf.get(field.type)}(${targetColumns.join(',')})`);
        }
        continue;
      }
      facts.add(
        `column ${table}.${columnName(field)} ${expectedType(field, model.enums)}${field.isRequired ? ' not null' : ' null'}`,
      );
    }
  }
  for (const index of model.indexes) {
    const m = model.models.find((candidate) => candidate.name === index.model);
    if (!m || (m.schema ?? 'public') !== schemaName) continue;
    const cols = index.fields.map((f) =>
      columnName(m.fields.find((field) => field.name === f.name) ?? ({ name: f.name } as DmmfField)),
    );
    const kind = index.type === 'id' ? 'primary key' : index.type === 'unique' ? 'unique index' : 'index';
    facts.add(`${kind} ${m.dbName ?? m.name}(${cols.join(',')})`);
  }
  for (const e of model.enums) {
    facts.add(`enum ${e.dbName ?? e.name} {${e.values.map((v) => v.dbName ?? v.name).join(',')}}`);
  }
  return facts;
}

export async function factsFromDatabase(client: pg.ClientBase, schemaName: string): Promise<Set<string>> {
  const facts = new Set<string>();
  // Tables that are not partitions of another (partitions are the partition job's business).
  const tables = await client.query<{ oid: number; name: string }>(
    `SELECT c.oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    [schemaName],
  );
  for (const table of tables.rows) {
    facts.add(`table ${table.name}`);
    const columns = await client.query<{ name: string; type: string; notnull: boolean }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS notnull
         FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped`,
      [table.oid],
    );
    for (const column of columns.rows) {
      const type = column.type.replace(/^"?[a-z_]+"?\./, '').replaceAll('"', '');
      facts.add(`column ${table.name}.${column.name} ${type}${column.notnull ? ' not null' : ' null'}`);
    }
    const indexes = await client.query<{ columns: string[]; unique: boolean; primary: boolean }>(
      `SELECT array_agg(a.attname::text ORDER BY k.ord) AS columns, i.indisunique AS unique, i.indisprimary AS primary
         FROM pg_index i
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = $1
        GROUP BY i.indexrelid, i.indisunique, i.indisprimary`,
      [table.oid],
    );
    for (const index of indexes.rows) {
      const kind = index.primary ? 'primary key' : index.unique ? 'unique index' : 'index';
      facts.add(`${kind} ${table.name}(${index.columns.join(',')})`);
    }
    const foreignKeys = await client.query<{ columns: string[]; target: string; target_columns: string[] }>(
      `SELECT (SELECT array_agg(attname::text ORDER BY ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(n, ord)
                JOIN pg_attribute ON attrelid = con.conrelid AND attnum = k.n) AS columns,
              t.relname::text AS target,
              (SELECT array_agg(attname::text ORDER BY ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(n, ord)
                JOIN pg_attribute ON attrelid = con.confrelid AND attnum = k.n) AS target_columns
         FROM pg_constraint con JOIN pg_class t ON t.oid = con.confrelid
        WHERE con.conrelid = $1 AND con.contype = 'f' AND con.conparentid = 0`,
      [table.oid],
    );
    for (const fk of foreignKeys.rows) {
      facts.add(`foreign key ${table.name}(${fk.columns.join(',')}) -> ${fk.target}(${fk.target_columns.join(',')})`);
    }
    // A key held per partition (status_history_pX -> reservations_pX, the same bounds) is the
    // parents' key when every partition has it: the same fact as Prisma's relation.
    const partitionKeys = await client.query<{ columns: string[]; target: string; target_columns: string[] }>(
      `WITH parts AS (SELECT inhrelid AS oid FROM pg_inherits WHERE inhparent = $1)
       SELECT (SELECT array_agg(attname::text ORDER BY ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(n, ord)
                 JOIN pg_attribute ON attrelid = con.conrelid AND attnum = k.n) AS columns,
              tp.relname::text AS target,
              (SELECT array_agg(attname::text ORDER BY ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(n, ord)
                 JOIN pg_attribute ON attrelid = con.confrelid AND attnum = k.n) AS target_columns
         FROM parts
         JOIN pg_class part ON part.oid = parts.oid
         JOIN pg_constraint con ON con.conrelid = parts.oid AND con.contype = 'f' AND con.conparentid = 0
         JOIN pg_class target ON target.oid = con.confrelid AND target.relispartition
         JOIN pg_inherits ti ON ti.inhrelid = target.oid
         JOIN pg_class tp ON tp.oid = ti.inhparent
        WHERE pg_get_expr(target.relpartbound, target.oid) = pg_get_expr(part.relpartbound, part.oid)
        GROUP BY 1, 2, 3
       HAVING count(DISTINCT parts.oid) = (SELECT count(*) FROM parts)`,
      [table.oid],
    );
    for (const fk of partitionKeys.rows) {
      facts.add(`foreign key ${table.name}(${fk.columns.join(',')}) -> ${fk.target}(${fk.target_columns.join(',')})`);
    }
  }
  const enums = await client.query<{ name: string; labels: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 GROUP BY t.typname`,
    [schemaName],
  );
  for (const e of enums.rows) facts.add(`enum ${e.name} {${e.labels.join(',')}}`);
  return facts;
}

export interface Drift {
  onlyInPrisma: string[];
  onlyInDatabase: string[];
}

export function diffFacts(prisma: Set<string>, database: Set<string>): Drift {
  return {
    onlyInPrisma: [...prisma].filter((fact) => !database.has(fact)).sort(),
    onlyInDatabase: [...database].filter((fact) => !prisma.has(fact)).sort(),
  };
}
