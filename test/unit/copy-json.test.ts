import { describe, expect, it } from 'vitest';
import { copyJson } from '../../server/scim/resource/copyJson.js';

describe('copyJson', () => {
  it('copies JSON data deeply: equal, and no object shared at any depth', () => {
    const original = JSON.parse('{"a":1,"b":"x","c":null,"d":true,"e":[{"f":[1,2,{"g":"h"}]}],"i":{"j":{"k":[]}}}') as Record<string, unknown>;
    const copy = copyJson(original);
    expect(copy).toEqual(original);
    const objectsOf = (value: unknown, into: unknown[] = []): unknown[] => {
      if (typeof value === 'object' && value !== null) {
        into.push(value);
        for (const child of Object.values(value)) objectsOf(child, into);
      }
      return into;
    };
    const originals = new Set(objectsOf(original));
    for (const object of objectsOf(copy)) expect(originals.has(object)).toBe(false);
  });

  it('keeps a "__proto__" key that JSON.parse made an own property as data, without changing the prototype', () => {
    const original = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    const copy = copyJson(original);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(original));
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
