/**
 * Which statements run as named prepared statements on PostgreSQL: a text gets a name from its
 * second use on (a one-off filter shape does not), keeps it, never shares it, and the number of
 * names stays bounded however many shapes come along.
 */
import { describe, expect, it } from 'vitest';
import { MAX_NAMED, statementNameFor } from '../../server/store/postgresNamedStatements.js';

describe('statementNameFor', () => {
  it('names a text from its second use on, and always the same way', () => {
    expect(statementNameFor('select 1 where $1 = $1')).toBeUndefined();
    const name = statementNameFor('select 1 where $1 = $1');
    expect(name).toMatch(/^sds_\d+$/);
    expect(statementNameFor('select 1 where $1 = $1')).toBe(name);
  });

  it('gives different texts different names', () => {
    statementNameFor('select 2 where $1 = $1');
    statementNameFor('select 3 where $1 = $1');
    expect(statementNameFor('select 2 where $1 = $1')).not.toBe(statementNameFor('select 3 where $1 = $1'));
  });

  it('stops naming new texts at MAX_NAMED, and keeps the names it gave', () => {
    const kept = statementNameFor('select 1 where $1 = $1');
    for (let i = 0; i < MAX_NAMED + 10; i++) {
      statementNameFor(`select ${i} from shape_${i}`);
      statementNameFor(`select ${i} from shape_${i}`);
    }
    const late = 'select 4 from a_late_shape';
    statementNameFor(late);
    expect(statementNameFor(late)).toBeUndefined();
    expect(statementNameFor('select 1 where $1 = $1')).toBe(kept);
  });
});
