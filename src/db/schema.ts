/**
 * The exact schema of each version of a cadre database, and a comparison of a
 * file's schema with it (issue 9, item 3: restore accepts only a genuine
 * cadre database).
 *
 * The reference for version N is what the migrations 1..N build in an empty
 * in-memory database: no hand-written copy of the schema to drift from the
 * migrations. Compared, object by object:
 *   - every table: its columns (name, declared type, NOT NULL, default,
 *     primary-key position, hidden/generated), its foreign keys, STRICT and
 *     WITHOUT ROWID, and its whole definition (CHECK constraints included);
 *   - every index (including those SQLite makes for UNIQUE and PRIMARY KEY
 *     constraints): its table, uniqueness, partial WHERE, and its columns in
 *     order with direction and collation;
 *   - nothing else: a trigger, a view, an extra table or index is a difference.
 * Definitions are compared after normalising their SQL text (case, quoting of
 * identifiers, whitespace, comments), so the text SQLite itself rewrites (for
 * example after ALTER TABLE … RENAME) never makes a genuine file differ.
 * Statistics tables SQLite's ANALYZE creates (sqlite_stat1, sqlite_stat4) only
 * guide the query planner: they are ignored here and never copied.
 */
import Database from 'better-sqlite3';
import { msg, type Problem } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { connection, type DB } from './open.js';

interface Column {
  name: string;
  type: string;
  notnull: number;
  dflt: string | null;
  pk: number;
  hidden: number;
}

interface TableShape {
  columns: Column[];
  foreignKeys: string[];
  strict: number;
  withoutRowid: number;
  sql: string;
}

interface IndexShape {
  table: string;
  unique: number;
  partial: number;
  origin: string;
  columns: string[];
  sql: string;
}

export interface SchemaShape {
  tables: Map<string, TableShape>;
  indexes: Map<string, IndexShape>;
  /** Triggers and views by name: a cadre database has none. */
  others: Map<string, { type: string; table: string }>;
}

/** Objects SQLite keeps for itself and that carry no behaviour of the database. */
const IGNORED = /^sqlite_stat\d$/i;

/**
 * The SQL of a definition as a list of tokens: keywords and identifiers in
 * lower case and unquoted, string literals as written, comments and spacing gone.
 */
export function normaliseSql(sql: string | null): string {
  if (!sql) return '';
  const tokens: string[] = [];
  const re = /\s+|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|'(?:[^']|'')*'|"(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|\d+(?:\.\d+)?|[\s\S]/g;
  for (const m of sql.matchAll(re)) {
    const t = m[0];
    if (/^\s/.test(t) || t.startsWith('--') || t.startsWith('/*')) continue;
    if (t.startsWith("'")) tokens.push(t);
    else if (t.startsWith('"')) tokens.push(t.slice(1, -1).replace(/""/g, '"').toLowerCase());
    else if (t.startsWith('`')) tokens.push(t.slice(1, -1).replace(/``/g, '`').toLowerCase());
    else if (t.startsWith('[')) tokens.push(t.slice(1, -1).toLowerCase());
    else tokens.push(t.toLowerCase());
  }
  return tokens.join(' ');
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** What `db` (or its attached schema `schema`) holds, in the terms the comparison uses. */
export function describeSchema(db: DB, schema = 'main'): SchemaShape {
  const s = quote(schema);
  const rows = db.prepare(`SELECT type, name, tbl_name AS tbl, sql FROM ${s}.sqlite_schema ORDER BY type, name`).all() as { type: string; name: string; tbl: string; sql: string | null }[];
  const shape: SchemaShape = { tables: new Map(), indexes: new Map(), others: new Map() };
  const list = new Map((db.prepare(`SELECT name, wr, strict FROM pragma_table_list WHERE schema = ?`).all(schema) as { name: string; wr: number; strict: number }[]).map((r) => [r.name, r]));
  for (const r of rows) {
    if (IGNORED.test(r.name)) continue;
    if (r.type === 'table') {
      const columns = (db.prepare(`SELECT name, type, "notnull" AS nn, dflt_value AS dflt, pk, hidden FROM pragma_table_xinfo(?, ?) ORDER BY cid`).all(r.name, schema) as { name: string; type: string; nn: number; dflt: string | null; pk: number; hidden: number }[]).map(
        (c) => ({ name: c.name, type: c.type.toUpperCase(), notnull: c.nn, dflt: c.dflt === null ? null : normaliseSql(c.dflt), pk: c.pk, hidden: c.hidden }),
      );
      const foreignKeys = (db.prepare(`SELECT id, seq, "table" AS t, "from" AS f, "to" AS o, on_update AS u, on_delete AS d, "match" AS m FROM pragma_foreign_key_list(?, ?) ORDER BY id, seq`).all(r.name, schema) as Record<string, unknown>[]).map(
        (f) => `${String(f.f).toLowerCase()} -> ${String(f.t).toLowerCase()}(${String(f.o ?? '').toLowerCase()}) on update ${f.u} on delete ${f.d} match ${f.m}`,
      );
      const l = list.get(r.name);
      shape.tables.set(r.name.toLowerCase(), { columns, foreignKeys, strict: l?.strict ?? 0, withoutRowid: l?.wr ?? 0, sql: normaliseSql(r.sql) });
    } else if (r.type === 'index') {
      shape.indexes.set(r.name.toLowerCase(), { table: r.tbl.toLowerCase(), unique: 0, partial: 0, origin: '', columns: [], sql: normaliseSql(r.sql) });
    } else {
      shape.others.set(r.name.toLowerCase(), { type: r.type, table: r.tbl });
    }
  }
  // Index details (uniqueness, origin, columns) come from the table's index list, which also
  // names the automatic indexes of UNIQUE and PRIMARY KEY constraints.
  for (const [table] of shape.tables) {
    const idx = db.prepare(`SELECT name, "unique" AS u, origin, partial FROM pragma_index_list(?, ?)`).all(table, schema) as { name: string; u: number; origin: string; partial: number }[];
    for (const i of idx) {
      const columns = (db.prepare(`SELECT seqno, cid, name, "desc" AS d, coll, "key" AS k FROM pragma_index_xinfo(?, ?) ORDER BY seqno`).all(i.name, schema) as { cid: number; name: string | null; d: number; coll: string; k: number }[])
        .filter((c) => c.k === 1)
        .map((c) => `${c.cid === -2 ? 'expr' : (c.name ?? 'rowid').toLowerCase()}${c.d ? ' desc' : ''} ${String(c.coll).toLowerCase()}`);
      const key = i.name.toLowerCase();
      const known = shape.indexes.get(key);
      shape.indexes.set(key, { table, unique: i.u, partial: i.partial, origin: i.origin, columns, sql: known?.sql ?? '' });
    }
  }
  return shape;
}

const references = new Map<string, SchemaShape>();

/** The schema the migrations up to `version` build (from `migrations`, the program's by default). */
export function referenceSchema(version: number, migrations: Migration[] = MIGRATIONS): SchemaShape {
  const key = `${version}:${migrations === MIGRATIONS ? 'program' : migrations.map((m) => m.version).join(',')}`;
  const known = references.get(key);
  if (known) return known;
  const db = new Database(':memory:', connection(0));
  try {
    for (const m of migrations) if (m.version <= version) db.exec(m.sql);
    const shape = describeSchema(db);
    if (migrations === MIGRATIONS) references.set(key, shape);
    return shape;
  } finally {
    db.close();
  }
}

function columnText(c: Column): string {
  const parts = [c.type || '(no type)'];
  if (c.notnull) parts.push('NOT NULL');
  if (c.pk) parts.push(`PRIMARY KEY#${c.pk}`);
  if (c.dflt !== null) parts.push(`DEFAULT ${c.dflt}`);
  if (c.hidden) parts.push(c.hidden === 1 ? 'HIDDEN' : 'GENERATED');
  return parts.join(' ');
}

/**
 * The differences between `actual` and `expected`, each a problem to show the
 * user (at most `limit`, plus the total).
 */
export function compareSchema(actual: SchemaShape, expected: SchemaShape): Problem[] {
  const out: Problem[] = [];
  const add = (key: string, params: Record<string, string | number>) => out.push({ reason: msg(key, params) });
  for (const [name, o] of actual.others) add(o.type === 'trigger' ? 'dbcheck.extraTrigger' : 'dbcheck.extraView', { name });
  for (const [name] of expected.tables) if (!actual.tables.has(name)) add('dbcheck.missingTable', { name });
  for (const [name] of actual.tables) if (!expected.tables.has(name)) add('dbcheck.extraTable', { name });
  for (const [name, want] of expected.tables) {
    const have = actual.tables.get(name);
    if (!have) continue;
    const before = out.length;
    const haveCols = new Map(have.columns.map((c) => [c.name.toLowerCase(), c]));
    const wantCols = new Map(want.columns.map((c) => [c.name.toLowerCase(), c]));
    for (const [c] of wantCols) if (!haveCols.has(c)) add('dbcheck.missingColumn', { table: name, column: c });
    for (const [c] of haveCols) if (!wantCols.has(c)) add('dbcheck.extraColumn', { table: name, column: c });
    for (const [c, w] of wantCols) {
      const h = haveCols.get(c);
      if (h && columnText(h) !== columnText(w)) add('dbcheck.columnDiffers', { table: name, column: c, expected: columnText(w), actual: columnText(h) });
    }
    if (out.length === before) {
      const order = (cols: Column[]) => cols.map((c) => c.name.toLowerCase()).join(',');
      if (order(have.columns) !== order(want.columns)) add('dbcheck.columnOrder', { table: name });
      else if (have.foreignKeys.join(';') !== want.foreignKeys.join(';')) add('dbcheck.foreignKeys', { table: name });
      else if (have.strict !== want.strict || have.withoutRowid !== want.withoutRowid || have.sql !== want.sql) add('dbcheck.tableDefinition', { table: name });
    }
  }
  for (const [name, want] of expected.indexes) if (!actual.indexes.has(name)) add('dbcheck.missingIndex', { name, table: want.table });
  for (const [name, have] of actual.indexes) if (!expected.indexes.has(name)) add('dbcheck.extraIndex', { name, table: have.table });
  for (const [name, want] of expected.indexes) {
    const have = actual.indexes.get(name);
    if (!have) continue;
    if (have.table !== want.table || have.unique !== want.unique || have.partial !== want.partial || have.origin !== want.origin || have.columns.join(',') !== want.columns.join(',') || have.sql !== want.sql) {
      add('dbcheck.indexDiffers', { name, table: want.table });
    }
  }
  return out;
}

/** The differences between the schema of `db` and that of a genuine cadre database of `version`. */
export function schemaDifferences(db: DB, version: number, migrations: Migration[] = MIGRATIONS): Problem[] {
  return compareSchema(describeSchema(db), referenceSchema(version, migrations));
}
