/**
 * The SQLite store keeps prepared statements by text (statementCache.ts), but not statements whose
 * text changes with a row or list count: kept, each count met once stayed in memory and the
 * server grew with every request-log batch size it had flushed.
 */
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cachePreparedStatements, MAX_CACHED_PARAMETERS } from '../../server/store/statementCache.js';

const open: SqliteDatabase.Database[] = [];
afterEach(() => open.splice(0).forEach((db) => db.close()));

function store(): SqliteDatabase.Database {
  const db = cachePreparedStatements(new SqliteDatabase(':memory:'), 4);
  db.exec('create table log (at text, path text, status integer)');
  open.push(db);
  return db;
}

const rowsInsert = (rows: number) => `insert into log (at, path, status) values ${Array.from({ length: rows }, () => '(?, ?, ?)').join(', ')}`;

describe('prepared statement cache', () => {
  it('hands back the same prepared statement for a text it has seen', () => {
    const db = store();
    expect(db.prepare('select status from log where path = ?')).toBe(db.prepare('select status from log where path = ?'));
  });

  it('prepares a multi-row insert with more parameters than the limit afresh each time, and it still runs', () => {
    const db = store();
    const rows = Math.floor(MAX_CACHED_PARAMETERS / 3) + 1;
    const text = rowsInsert(rows);
    expect(db.prepare(text)).not.toBe(db.prepare(text));
    db.prepare(text).run(Array.from({ length: rows }, (_, i) => [`t${i}`, '/Users', 200]).flat());
    expect(db.prepare('select count(*) as n from log').get()).toEqual({ n: rows });
  });

  it('keeps a statement used since it was kept, and lets the oldest unused one leave instead', () => {
    const db = store();
    const kept = [1, 2, 3, 4].map((n) => db.prepare(`select ${n}`));
    expect(db.prepare('select 1')).toBe(kept[0]);
    db.prepare('select 5');
    expect(db.prepare('select 1')).toBe(kept[0]);
    expect(db.prepare('select 3')).toBe(kept[2]);
    expect(db.prepare('select 4')).toBe(kept[3]);
    // "select 2" was the one to go (unused since kept); asked again it is prepared anew.
    expect(db.prepare('select 2')).not.toBe(kept[1]);
  });

  it('keeps at most its size, the least recently used leaving first', () => {
    const db = store();
    const first = db.prepare('select 1');
    for (const n of [2, 3, 4, 5]) db.prepare(`select ${n}`);
    expect(db.prepare('select 1')).not.toBe(first);
    const recent = db.prepare('select 5');
    expect(db.prepare('select 5')).toBe(recent);
  });
});
