import type { QueryResult } from 'pg';
import { sqlLiteral } from './sql-literal';

/**
 * SQL text built by the `sql` tag: every interpolated value is a quoted literal unless it
 * is itself an `Sql` fragment, so no call site quotes by hand and no value slips into a
 * statement unquoted. The statements it builds run in the simple protocol (several per
 * round trip, no parameters), which is why values are literals and not `$1`.
 */
export class Sql {
  /** Only `sql`, `sql.array`, `sql.join` and `sql.trusted` make fragments. */
  private constructor(readonly text: string) {}

  /** @internal */
  static of(text: string): Sql {
    return new Sql(text);
  }

  toString(): string {
    return this.text;
  }
}

/** What may be interpolated: a fragment, or a value to quote. */
export type SqlValue = Sql | string | number | bigint | boolean | Date | null;

/** A literal for one value; anything that cannot be quoted is refused, never pasted. */
function literal(value: unknown): string {
  if (value instanceof Sql) return value.text;
  if (typeof value === 'string') return sqlLiteral(value);
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // A negative number is parenthesised: pasted after a minus, "-1" would start a comment (1--1).
  if (typeof value === 'bigint') return value < 0n ? `(${value})` : value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`sql: refusing the non-finite number ${value}`);
    return value < 0 ? `(${value})` : String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('sql: refusing an invalid Date');
    return sqlLiteral(value.toISOString());
  }
  // Stryker disable next-line ConditionalExpression: typeof undefined is 'undefined' too; the branch only says so explicitly
  throw new TypeError(`sql: refusing to interpolate ${value === undefined ? 'undefined' : typeof value} (only quotable values and sql fragments)`);
}

const TYPE_NAME = /^[a-z][a-z0-9_ ]*$/;

function tag(strings: TemplateStringsArray, ...values: SqlValue[]): Sql {
  let text = strings[0];
  for (let i = 0; i < values.length; i++) text += literal(values[i]) + strings[i + 1];
  return Sql.of(text);
}

export const sql = Object.assign(tag, {
  /** `ARRAY[...]::type[]` of quoted literals (an empty array keeps its type). */
  array(values: readonly SqlValue[], type: string): Sql {
    if (!TYPE_NAME.test(type)) throw new TypeError(`sql.array: refusing the type name ${JSON.stringify(type)}`);
    return Sql.of(`ARRAY[${values.map(literal).join(',')}]::${type}[]`);
  },
  /** Fragments or values joined by a separator (itself fixed text of this module's callers). */
  join(parts: readonly SqlValue[], separator: ', ' | ',\n' | ' ' | ' OR ' | ' AND ' = ', '): Sql {
    return Sql.of(parts.map(literal).join(separator));
  },
  /**
   * Fixed SQL text written in the source (DDL constants, an identifier chosen by code):
   * never a value from outside. Its name is the warning.
   */
  trusted(text: string): Sql {
    return Sql.of(text);
  },
});

/** Anything with pg's `query` (a Pool, a Client, a PoolClient). */
export interface Queryable {
  query(text: string): Promise<unknown>;
}

/**
 * Runs named statements as ONE simple-protocol message (one round trip; without an
 * explicit BEGIN, PostgreSQL runs them as one implicit transaction) and answers each
 * statement's result under its name, so no caller counts positions in a result array.
 */
export async function queryNamed<N extends string>(db: Queryable, statements: Readonly<Record<N, Sql>>): Promise<Record<N, QueryResult>> {
  const names = Object.keys(statements) as N[];
  if (names.length === 0) throw new Error('queryNamed: no statements');
  const raw = await db.query(names.map((n) => statements[n].text).join(';\n'));
  // pg answers one result for one statement, an array for several.
  const results = (Array.isArray(raw) ? raw : [raw]) as QueryResult[];
  if (results.length !== names.length) throw new Error(`queryNamed: ${names.length} statements answered ${results.length} results`);
  return Object.fromEntries(names.map((n, i) => [n, results[i]])) as Record<N, QueryResult>;
}
