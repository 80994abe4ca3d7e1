/**
 * Canonical text of a filter: lower-case keywords, single spaces, JSON literals, and parentheses
 * exactly where the tree's shape needs them, so that `parseFilter(printFilter(f))` rebuilds `f`.
 * Used for logs, error details and tests.
 */
import type { AttrPath, ComparisonValue, Filter, PatchPath } from './ast.js';

export function printFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'comparison':
      return `${printAttrPath(filter.attrPath)} ${filter.op} ${printValue(filter.value)}`;
    case 'present':
      return `${printAttrPath(filter.attrPath)} pr`;
    case 'not':
      return `not (${printFilter(filter.filter)})`;
    case 'valuePath':
      return `${printAttrPath(filter.attrPath)}[${printFilter(filter.filter)}]`;
    case 'and':
    case 'or':
      // The parser builds left-leaning chains, so the left operand only needs parentheses when it
      // binds looser (an `or` under an `and`); the right one also when it is the same operator.
      return `${printOperand(filter.left, filter.kind, false)} ${filter.kind} ${printOperand(filter.right, filter.kind, true)}`;
  }
}

export function printPatchPath(path: PatchPath): string {
  const filter = path.valueFilter === undefined ? '' : `[${printFilter(path.valueFilter)}]`;
  const sub = path.subAttribute === undefined ? '' : `.${path.subAttribute}`;
  return `${printAttrPath(path.attrPath)}${filter}${sub}`;
}

export function printAttrPath(path: AttrPath): string {
  const uri = path.uri === undefined ? '' : `${path.uri}:`;
  const sub = path.subAttribute === undefined ? '' : `.${path.subAttribute}`;
  return `${uri}${path.attribute}${sub}`;
}

/** JSON text of the literal: JSON.stringify escapes exactly what the lexer decodes. */
export function printValue(value: ComparisonValue): string {
  return JSON.stringify(value);
}

function printOperand(operand: Filter, parent: 'and' | 'or', isRight: boolean): string {
  const text = printFilter(operand);
  if (operand.kind !== 'and' && operand.kind !== 'or') return text;
  const needsParentheses = (parent === 'and' && operand.kind === 'or') || (isRight && operand.kind === parent);
  return needsParentheses ? `(${text})` : text;
}
