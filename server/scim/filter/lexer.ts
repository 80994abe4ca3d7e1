/**
 * Tokens of the filter and PATCH path languages. Lexing is on demand (peek/next) so that the
 * parser decides how a problem is reported: the same bad character is an invalidPath in the
 * structure of a PATCH path and an invalidFilter inside its brackets.
 */

export type TokenKind = 'word' | 'string' | 'number' | '(' | ')' | '[' | ']' | 'end';

export interface Token {
  kind: TokenKind;
  /** Offset of the first character in the input (0-based). */
  start: number;
  /** Offset just past the last character. */
  end: number;
  /** The source text of the token. */
  text: string;
  /** The decoded literal of string and number tokens. */
  value?: string | number;
}

/** Reports a problem at a 0-based offset; never returns. */
export type Fail = (detail: string) => never;

// Attribute paths, operators and keywords are one "word": URNs carry ':' and '.' (`…:2.0:User:name.givenName`).
const WORD_CHAR = /[A-Za-z0-9_$:.-]/;
const JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /[ \t\r\n]/;
const SHORT_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** 1-based position for humans. */
export function at(offset: number): string {
  return `position ${offset + 1}`;
}

/** How a token reads in an error message. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the input';
    case 'string':
      return `the string ${token.text.length > 32 ? `${token.text.slice(0, 29)}..."` : token.text}`;
    case 'number':
      return `the number ${token.text}`;
    case 'word':
      return `'${token.text.length > 40 ? `${token.text.slice(0, 37)}...` : token.text}'`;
    default:
      return `'${token.kind}'`;
  }
}

export class Lexer {
  private offset = 0;
  private lookahead: Token | undefined;

  constructor(
    private readonly text: string,
    private readonly fail: Fail,
  ) {}

  peek(): Token {
    this.lookahead ??= this.scan();
    return this.lookahead;
  }

  next(): Token {
    const token = this.peek();
    this.lookahead = undefined;
    return token;
  }

  private scan(): Token {
    const text = this.text;
    while (this.offset < text.length && WHITESPACE.test(text[this.offset] ?? '')) this.offset++;
    const start = this.offset;
    const char = text[start];
    if (char === undefined) return { kind: 'end', start, end: start, text: '' };
    if (char === '(' || char === ')' || char === '[' || char === ']') {
      this.offset++;
      return { kind: char, start, end: this.offset, text: char };
    }
    if (char === '"') return this.scanString(start);
    if (char === '-' || (char >= '0' && char <= '9')) return this.scanNumber(start);
    if (WORD_CHAR.test(char)) {
      while (this.offset < text.length && WORD_CHAR.test(text[this.offset] ?? '')) this.offset++;
      return { kind: 'word', start, end: this.offset, text: text.slice(start, this.offset) };
    }
    if (char === "'") return this.fail(`Strings must be in double quotes, found a single quote at ${at(start)}`);
    const shown = String.fromCodePoint(text.codePointAt(start) ?? 0);
    return this.fail(`Unexpected character ${JSON.stringify(shown)} at ${at(start)}`);
  }

  private scanNumber(start: number): Token {
    JSON_NUMBER.lastIndex = start;
    const match = JSON_NUMBER.exec(this.text);
    const end = match ? start + match[0].length : start;
    const following = this.text[end];
    if (!match || (following !== undefined && WORD_CHAR.test(following))) {
      let stop = end;
      while (stop < this.text.length && WORD_CHAR.test(this.text[stop] ?? '')) stop++;
      return this.fail(`Malformed number '${this.text.slice(start, Math.max(stop, start + 1))}' at ${at(start)}`);
    }
    const value = Number(match[0]);
    if (!Number.isFinite(value)) return this.fail(`Number '${match[0]}' at ${at(start)} is out of range`);
    this.offset = end;
    // -0 and 0 are the same comparison value; keeping one spelling keeps printed filters stable.
    return { kind: 'number', start, end, text: match[0], value: value === 0 ? 0 : value };
  }

  /** A JSON string (RFC 8259 §7): escapes decoded, raw control characters refused. */
  private scanString(start: number): Token {
    const text = this.text;
    let value = '';
    let i = start + 1;
    for (;;) {
      const char = text[i];
      if (char === undefined) return this.fail(`Unterminated string starting at ${at(start)}: expected a closing '"'`);
      if (char === '"') break;
      if (char < ' ') {
        return this.fail(`Control character U+${char.charCodeAt(0).toString(16).padStart(4, '0')} in the string at ${at(i)} must be escaped`);
      }
      if (char !== '\\') {
        value += char;
        i++;
        continue;
      }
      const escape = text[i + 1];
      if (escape === undefined) return this.fail(`Unterminated string starting at ${at(start)}: expected a closing '"'`);
      const short = SHORT_ESCAPES[escape];
      if (short !== undefined) {
        value += short;
        i += 2;
      } else if (escape === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) return this.fail(`Invalid \\u escape at ${at(i)}: expected four hexadecimal digits`);
        value += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else {
        return this.fail(`Invalid escape '\\${escape}' in the string at ${at(i)}`);
      }
    }
    this.offset = i + 1;
    return { kind: 'string', start, end: this.offset, text: text.slice(start, this.offset), value };
  }
}
