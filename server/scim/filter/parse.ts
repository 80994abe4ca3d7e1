/**
 * Recursive-descent parser for RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths.
 *
 *   filter     = or
 *   or         = and *("or" and)                       ; "and" binds tighter than "or"
 *   and        = term *("and" term)
 *   term       = "not" "(" or ")" / "(" or ")" / attrPath condition
 *              / attrPath "[" or "]" [subAttr condition]
 *   condition  = "pr" / compareOp compValue
 *
 * Deviations from the ABNF, all on the lenient side: keywords, operators and literals are
 * case-insensitive, whitespace is any amount of space/tab/newline and may be omitted next to
 * brackets and quotes, `$` is a name character (RFC 7643 §2.1, for `$ref`), and
 * `emails[type eq "work"].value eq "x"` (the PATCH path form) is a filter meaning "one element
 * matches both". Inside brackets names are plain sub-attribute names and value paths do not
 * nest (errata 4690/7322).
 *
 * Every problem is reported as a ScimError: invalidFilter for filters; for PATCH paths
 * invalidPath, except problems inside the brackets, which are filter problems (RFC 7644 §3.12
 * lists invalidFilter for "PATCH (Path Filter)").
 */
import { invalidFilter, invalidPath } from '../errors.js';
import {
  COMPARISON_OPERATORS,
  attrPath as buildAttrPath,
  type AttrPath,
  type ComparisonOperator,
  type ComparisonValue,
  type Filter,
  type PatchPath,
} from './ast.js';
import { Lexer, at, describeToken, type Token } from './lexer.js';

/** Longest filter or path accepted, in UTF-16 code units: far beyond any real filter, small enough to bound work. */
export const MAX_FILTER_LENGTH = 8192;
/** Deepest nesting of parentheses, brackets and `not` accepted: recursion stays far from the stack limit. */
export const MAX_FILTER_DEPTH = 50;

const ATTRIBUTE_NAME = /^[A-Za-z$][A-Za-z0-9_$-]*$/;
const URI_SEGMENT = /^[A-Za-z0-9._-]+$/;
const OPERATORS = new Set<string>(COMPARISON_OPERATORS);

/** Parses a `filter` query parameter (or `/.search` body member). Throws ScimError invalidFilter. */
export function parseFilter(text: string): Filter {
  return new Parser(text, 'filter').filter();
}

/** Parses the `path` of a PATCH operation. Throws ScimError invalidPath (invalidFilter inside `[...]`). */
export function parsePatchPath(text: string): PatchPath {
  return new Parser(text, 'path').patchPath();
}

type Mode = 'filter' | 'path';

class Parser {
  private readonly lexer: Lexer;
  private depth = 0;
  /** Inside `[...]`: names are sub-attributes and another value path may not start. */
  private inBrackets = false;
  /** Which error problems are reported as right now; switches to 'filter' inside a PATCH path's brackets. */
  private mode: Mode;

  constructor(
    private readonly text: string,
    private readonly outerMode: Mode,
  ) {
    this.mode = outerMode;
    this.lexer = new Lexer(typeof text === 'string' ? text : '', this.fail);
  }

  private readonly fail = (detail: string): never => {
    throw this.mode === 'filter' ? invalidFilter(detail) : invalidPath(detail);
  };

  private checkInput(what: string): void {
    if (typeof this.text !== 'string') this.fail(`The ${what} must be a string`);
    if (this.text.length > MAX_FILTER_LENGTH) {
      this.fail(`The ${what} is too long: ${this.text.length} characters, the limit is ${MAX_FILTER_LENGTH}`);
    }
    if (this.text.trim() === '') this.fail(`The ${what} is empty`);
  }

  filter(): Filter {
    this.checkInput('filter');
    const result = this.or();
    const rest = this.lexer.peek();
    if (rest.kind !== 'end') {
      const hint = rest.kind === ')' ? ` (no '(' is open)` : rest.kind === ']' ? ` (no '[' is open)` : '';
      this.fail(`Expected 'and', 'or' or the end of the filter at ${at(rest.start)}, found ${describeToken(rest)}${hint}`);
    }
    return result;
  }

  patchPath(): PatchPath {
    this.checkInput('path');
    const first = this.lexer.next();
    if (first.kind !== 'word') this.fail(`Expected an attribute path at ${at(first.start)}, found ${describeToken(first)}`);
    const path = splitAttrPath(first, this.fail);
    const result: PatchPath = { attrPath: path };
    if (this.lexer.peek().kind === '[') {
      const open = this.openValueFilter(path, first);
      this.mode = 'filter';
      result.valueFilter = this.or();
      this.mode = this.outerMode;
      const close = this.closeValueFilter(open);
      const subAttribute = this.subAttributeAfter(close);
      if (subAttribute !== undefined) result.subAttribute = subAttribute;
    }
    const rest = this.lexer.peek();
    if (rest.kind !== 'end') this.fail(`Expected the end of the path at ${at(rest.start)}, found ${describeToken(rest)}`);
    return result;
  }

  private or(): Filter {
    let left = this.and();
    while (this.isKeyword(this.lexer.peek(), 'or')) {
      this.lexer.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Filter {
    let left = this.term();
    while (this.isKeyword(this.lexer.peek(), 'and')) {
      this.lexer.next();
      left = { kind: 'and', left, right: this.term() };
    }
    return left;
  }

  private term(): Filter {
    const token = this.lexer.next();
    if (token.kind === '(') {
      this.enter(token);
      const inner = this.or();
      this.expectClosing(')', token);
      this.leave();
      return inner;
    }
    if (token.kind !== 'word') {
      return this.fail(`Expected an attribute path, 'not' or '(' at ${at(token.start)}, found ${describeToken(token)}`);
    }
    if (this.isKeyword(token, 'not')) {
      const next = this.lexer.peek();
      if (next.kind === '(') {
        this.lexer.next();
        this.enter(next);
        const inner = this.or();
        this.expectClosing(')', next);
        this.leave();
        return { kind: 'not', filter: inner };
      }
      // `not` is also a legal attribute name; only refuse it when what follows cannot be a condition.
      if (next.kind !== '[' && !(next.kind === 'word' && this.isConditionKeyword(next))) {
        return this.fail(`Expected '(' after 'not' at ${at(next.start)}, found ${describeToken(next)}`);
      }
    }
    return this.attributeExpression(token);
  }

  private attributeExpression(token: Token): Filter {
    const path = splitAttrPath(token, this.fail);
    if (this.inBrackets && (path.uri !== undefined || path.subAttribute !== undefined)) {
      this.fail(`Inside '[...]' expected a plain sub-attribute name at ${at(token.start)}, found '${path.raw}'`);
    }
    if (this.lexer.peek().kind !== '[') return this.condition(path);

    const open = this.openValueFilter(path, token);
    const inner = this.or();
    const close = this.closeValueFilter(open);
    const subAttribute = this.subAttributeAfter(close);
    if (subAttribute === undefined) return { kind: 'valuePath', attrPath: path, filter: inner };
    // `emails[type eq "work"].value eq "x"`: the same element must satisfy both, which is exactly
    // what a value path with the two conditions joined by `and` means.
    const condition = this.condition(buildAttrPath(subAttribute));
    return { kind: 'valuePath', attrPath: path, filter: { kind: 'and', left: inner, right: condition } };
  }

  /** Consumes `[` after `path`; the caller parses the inner filter. */
  private openValueFilter(path: AttrPath, pathToken: Token): Token {
    const open = this.lexer.next();
    if (this.inBrackets) this.fail(`Value paths cannot be nested: unexpected '[' at ${at(open.start)}`);
    if (path.subAttribute !== undefined) {
      this.fail(`A value filter applies to an attribute, not to the sub-attribute '${path.raw}' (at ${at(pathToken.start)})`);
    }
    this.enter(open);
    this.inBrackets = true;
    return open;
  }

  private closeValueFilter(open: Token): Token {
    const close = this.expectClosing(']', open);
    this.inBrackets = false;
    this.leave();
    return close;
  }

  /** The `.subAttr` written directly after `]`, if any. */
  private subAttributeAfter(close: Token): string | undefined {
    const next = this.lexer.peek();
    if (next.kind !== 'word' || !next.text.startsWith('.') || next.start !== close.end) return undefined;
    this.lexer.next();
    const name = next.text.slice(1);
    if (!ATTRIBUTE_NAME.test(name)) {
      this.fail(`Invalid sub-attribute '${name}' after ']' at ${at(next.start + 1)}: expected a name of letters, digits, '-', '_' or '$'`);
    }
    return name;
  }

  private condition(path: AttrPath): Filter {
    const operator = this.lexer.next();
    const name = operator.kind === 'word' ? operator.text.toLowerCase() : '';
    if (name === 'pr') return { kind: 'present', attrPath: path };
    if (!OPERATORS.has(name)) {
      return this.fail(
        `Expected an operator (eq, ne, co, sw, ew, gt, lt, ge, le or pr) after '${path.raw}' at ${at(operator.start)}, found ${describeToken(operator)}`,
      );
    }
    return { kind: 'comparison', attrPath: path, op: name as ComparisonOperator, value: this.value(operator) };
  }

  private value(operator: Token): ComparisonValue {
    const token = this.lexer.next();
    if (token.kind === 'string' || token.kind === 'number') return token.value ?? null;
    if (token.kind === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
      return this.fail(
        `Expected a value after '${operator.text}' at ${at(token.start)}, found ${describeToken(token)}: strings must be in double quotes`,
      );
    }
    return this.fail(
      `Expected a value (a "string", a number, true, false or null) after '${operator.text}' at ${at(token.start)}, found ${describeToken(token)}`,
    );
  }

  private expectClosing(kind: ')' | ']', open: Token): Token {
    const token = this.lexer.next();
    if (token.kind !== kind) {
      this.fail(`Expected 'and', 'or' or '${kind}' to close the '${open.text}' at ${at(open.start)}; found ${describeToken(token)} at ${at(token.start)}`);
    }
    return token;
  }

  private enter(token: Token): void {
    if (++this.depth > MAX_FILTER_DEPTH) {
      this.fail(`The ${this.outerMode} is nested too deeply at ${at(token.start)}: at most ${MAX_FILTER_DEPTH} levels of parentheses, brackets and 'not'`);
    }
  }

  private leave(): void {
    this.depth--;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private isConditionKeyword(token: Token): boolean {
    const word = token.text.toLowerCase();
    return word === 'pr' || OPERATORS.has(word);
  }
}

/** `[URI ":"] ATTRNAME ["." ATTRNAME]`: the URI is everything before the last ':' (URNs contain dots, as in `2.0`). */
function splitAttrPath(token: Token, fail: (detail: string) => never): AttrPath {
  const text = token.text;
  const colon = text.lastIndexOf(':');
  const uri = colon >= 0 ? text.slice(0, colon) : undefined;
  if (uri !== undefined && !uri.split(':').every((segment) => URI_SEGMENT.test(segment))) {
    fail(`Invalid schema URI '${uri}' in the attribute path '${text}' at ${at(token.start)}`);
  }
  const names = text.slice(colon + 1).split('.');
  if (names.length > 2) {
    fail(`Attribute path '${text}' at ${at(token.start)} has more than one sub-attribute; expected 'attribute' or 'attribute.subAttribute'`);
  }
  const [attribute = '', subAttribute] = names;
  for (const name of [attribute, subAttribute]) {
    if (name === undefined || ATTRIBUTE_NAME.test(name)) continue;
    fail(
      name === ''
        ? `Attribute path '${text}' at ${at(token.start)} has an empty name`
        : `Invalid attribute name '${name}' in '${text}' at ${at(token.start)}: expected a letter followed by letters, digits, '-', '_' or '$'`,
    );
  }
  return buildAttrPath(attribute, subAttribute, uri);
}
