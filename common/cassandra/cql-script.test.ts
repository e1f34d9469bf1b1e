import { describe, expect, it } from 'vitest';
import { splitCqlStatements } from './cql-script.js';

describe('splitCqlStatements', () => {
  it.each([
    ['', []],
    ['SELECT 1', ['SELECT 1']],
    ['A;\n\nB ;', ['A', 'B']],
    ['-- heading\nCREATE X; -- trailing\n// other\nCREATE Y;', ['CREATE X', 'CREATE Y']],
    ['/* block;\n comment */ CREATE X;', ['CREATE X']],
    ["INSERT INTO t (a) VALUES ('x;y');", ["INSERT INTO t (a) VALUES ('x;y')"]],
    ["INSERT INTO t (a) VALUES ('it''s; ok');", ["INSERT INTO t (a) VALUES ('it''s; ok')"]],
    ["COMMENT = '-- not a comment';", ["COMMENT = '-- not a comment'"]],
    ['CREATE FUNCTION f() AS $$ return 1; $$;', ['CREATE FUNCTION f() AS $$ return 1; $$']],
    ['CREATE TABLE t (\n  a int,\n  b text\n);', ['CREATE TABLE t ( a int, b text )']],
  ])('splits %j', (script, expected) => {
    expect(splitCqlStatements(script)).toEqual(expected);
  });
});
