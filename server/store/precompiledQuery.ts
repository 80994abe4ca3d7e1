/**
 * A hot statement whose shape is fixed and only its values vary, built and compiled by Kysely once
 * per dialect (and per `shape`, e.g. the set of columns an UPDATE writes) instead of on every
 * request: building a query (its node tree frozen at every step, then visited to SQL) was the
 * largest single library cost of a GET by id. Per request only the values are bound.
 *
 * The builder receives stand-ins for the values; compiling once with them shows where each value
 * lands among the statement's parameters (constants the builder itself wrote stay as they are).
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import { isSqlite } from './unchangedListMemo.js';
import { rowsIfIdle } from './sqliteIdleReads.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const STAND_IN_PREFIX = '\u0000precompiled-value:';

interface Template {
  compiled: CompiledQuery<unknown>;
  /** For each parameter of the statement: the index of the value it takes, or the builder's constant. */
  slots: Array<{ arg: number } | { constant: unknown }>;
}

export class PrecompiledQuery<Args extends readonly unknown[], Row> {
  private readonly templates = new Map<string, Template>();

  constructor(private readonly build: (db: AnyDb, values: Args, shape: string) => Compilable<Row>) {}

  async execute(db: AnyDb, values: Args, shape = ''): Promise<QueryResult<Row>> {
    const key = `${isSqlite(db) ? 'sqlite' : 'other'}|${shape}`;
    let template = this.templates.get(key);
    if (!template) {
      template = this.compile(db, values.length, shape);
      this.templates.set(key, template);
    }
    const parameters = template.slots.map((slot) => ('arg' in slot ? values[slot.arg] : slot.constant));
    // A read on an idle SQLite store skips Kysely's execution path (sqliteIdleReads.ts).
    const rows = rowsIfIdle<Row>(db, template.compiled.sql, parameters);
    if (rows) return { rows };
    return db.executeQuery<Row>({ ...template.compiled, parameters } as CompiledQuery<Row>);
  }

  private compile(db: AnyDb, arity: number, shape: string): Template {
    const standIns = Array.from({ length: arity }, (_, i) => `${STAND_IN_PREFIX}${i}`) as unknown as Args;
    const compiled = this.build(db, standIns, shape).compile();
    const slots = compiled.parameters.map((parameter) =>
      typeof parameter === 'string' && parameter.startsWith(STAND_IN_PREFIX)
        ? { arg: Number(parameter.slice(STAND_IN_PREFIX.length)) }
        : { constant: parameter },
    );
    const used = new Set(slots.flatMap((slot) => ('arg' in slot ? [slot.arg] : [])));
    if (used.size !== arity) throw new Error(`A precompiled query uses ${used.size} of its ${arity} values: its builder must pass each one to the query.`);
    return { compiled, slots };
  }
}
