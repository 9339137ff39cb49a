import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal states give equal text whatever their key order. */
export function canonicalJson(value) {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, (_key, inner) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** Deep equality by digest: lets worker processes compare states without shipping them. */
export const stateHash = (value) => createHash('sha1').update(canonicalJson(value)).digest('hex');
