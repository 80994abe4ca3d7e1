/**
 * A deep copy of JSON data (what a stored resource holds), sharing no object with the original.
 * Walking plain objects and arrays avoids `structuredClone`, which serialises and deserialises
 * every value: it was an item in the hot read's and the import's profiles (rendering) and ≈ 2 %
 * of a deprovisioning PATCH's CPU (applying the PATCH to a copy).
 */
export function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const copied = copyJson((value as Record<string, unknown>)[key]);
    // A "__proto__" key (JSON.parse makes it an own property) must stay data, not set the prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true });
    else out[key] = copied;
  }
  return out as T;
}
