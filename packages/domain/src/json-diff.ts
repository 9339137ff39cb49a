/** One JSON Patch (RFC 6902) operation, as the live deltas carry them. */
export type PatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/** A JSON Pointer token (RFC 6901). */
export function pointerToken(key: string | number): string {
  const token = String(key);
  return token.includes('~') || token.includes('/')
    ? token.replaceAll('~', '~0').replaceAll('/', '~1')
    : token;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Equality as JSON sees it (keys whose value is undefined are absent). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (!isObject(a) || !isObject(b)) return false;
  for (const key in a) if (a[key] !== undefined && !jsonEqual(a[key], b[key])) return false;
  for (const key in b) if (b[key] !== undefined && a[key] === undefined) return false;
  return true;
}

/** Past this many inserted plus removed items in one stretch, a whole array is replaced. */
const MAX_SPLICE_OPS = 8;

/** One edit of an array, at an index at the time it was made: an item added there, or removed. */
export type ArrayEdit = { at: number; added: unknown } | { at: number; removed: true };

/**
 * The edits, in order, known to turn array `a` into array `b` (undefined when unknown): a caller
 * that edited a copy of a large array says so, and its diff costs the edits instead of a walk.
 */
export type KnownEdits = (a: readonly unknown[], b: readonly unknown[]) => readonly ArrayEdit[] | undefined;

/**
 * Appends to `ops` the operations that turn `a` into `b`, keyed: objects key by key, arrays by
 * their common head and tail (an id inserted into a sorted list is one `add`, not a replace of
 * every later item). Subtrees that are the same object are skipped without a look, so callers that
 * rebuild only what changed pay only for that.
 */
export function diffJson(
  a: unknown,
  b: unknown,
  path: string,
  ops: PatchOperation[],
  known?: KnownEdits,
): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    diffArray(a, b, path, ops, known);
  } else if (isObject(a) && isObject(b)) {
    for (const key in a) {
      if (a[key] !== undefined && b[key] === undefined)
        ops.push({ op: 'remove', path: `${path}/${pointerToken(key)}` });
    }
    for (const key in b) {
      if (b[key] === undefined || a[key] === b[key]) continue;
      const at = `${path}/${pointerToken(key)}`;
      if (a[key] === undefined) ops.push({ op: 'add', path: at, value: b[key] });
      else diffJson(a[key], b[key], at, ops, known);
    }
  } else if (!jsonEqual(a, b)) {
    ops.push({ op: 'replace', path, value: b });
  }
}

function diffArray(
  a: readonly unknown[],
  b: readonly unknown[],
  path: string,
  ops: PatchOperation[],
  known: KnownEdits | undefined,
): void {
  const edits = known?.(a, b);
  if (edits && edits.length <= MAX_SPLICE_OPS) {
    for (const edit of edits) {
      if ('removed' in edit) ops.push({ op: 'remove', path: `${path}/${edit.at}` });
      else ops.push({ op: 'add', path: `${path}/${edit.at}`, value: edit.added });
    }
    return;
  }
  let head = 0;
  while (head < a.length && head < b.length && jsonEqual(a[head], b[head])) head++;
  let endA = a.length;
  let endB = b.length;
  while (endA > head && endB > head && jsonEqual(a[endA - 1], b[endB - 1])) {
    endA--;
    endB--;
  }
  const removed = endA - head;
  const added = endB - head;
  if (removed === added) {
    for (let i = head; i < endA; i++) diffJson(a[i], b[i], `${path}/${i}`, ops, known);
  } else if (removed + added <= MAX_SPLICE_OPS) {
    for (let i = 0; i < removed; i++) ops.push({ op: 'remove', path: `${path}/${head}` });
    for (let i = head; i < endB; i++) ops.push({ op: 'add', path: `${path}/${i}`, value: b[i] });
  } else {
    ops.push({ op: 'replace', path, value: b });
  }
}
