import jsonpatch, { type Operation } from 'fast-json-patch';

type Container = Record<string, unknown> | unknown[];

/**
 * A topic's next state: `state` with `ops` applied, leaving `state` untouched and sharing every part
 * the ops do not reach. Only the containers on each op's path are copied (shallowly), then the op is
 * applied to those copies with fast-json-patch's own validating `applyOperation`.
 *
 * Why not `applyPatch(state, ops, true, false)`: without mutation it deep-clones the whole state
 * first, so every delta cost a stringify-and-parse of a 125–175 KB team view; a wall, and the live
 * bench's 1,000 clients, spent most of their time there. Screens still get a new object on every
 * change, and unchanged cards keep their identity.
 *
 * Throws (as applyPatch does) when an op does not fit the state; the caller then asks for a snapshot.
 */
export function applyDelta<S>(state: S, ops: readonly Operation[]): S {
  let root: unknown = state;
  const copies = new WeakSet<object>();
  const own = (value: unknown): Container => {
    if (typeof value !== 'object' || value === null)
      throw new Error('a delta op runs through a missing path');
    if (copies.has(value)) return value as Container;
    const copy = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
    copies.add(copy);
    return copy;
  };
  /** Copies the containers from the root down to the parent of `pointer`. */
  const ownPathTo = (pointer: string) => {
    root = own(root);
    let parent = root as Container;
    const keys = pointer.split('/').slice(1, -1).map(jsonpatch.unescapePathComponent);
    for (const key of keys) {
      const child = own((parent as Record<string, unknown>)[key]);
      (parent as Record<string, unknown>)[key] = child;
      parent = child;
    }
  };
  for (const op of ops) {
    if (op.path === '') {
      root = jsonpatch.applyOperation(root, op, true, false).newDocument;
      continue;
    }
    ownPathTo(op.path);
    if ((op.op === 'move' || op.op === 'copy') && op.from !== '') ownPathTo(op.from);
    jsonpatch.applyOperation(root, op, true, true);
  }
  return root as S;
}
