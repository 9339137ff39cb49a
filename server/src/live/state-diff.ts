import type { Operation } from 'fast-json-patch';
import jsonpatch from 'fast-json-patch';

/**
 * The JSON Patch from one published state of a topic to the next (both plain JSON, as topic
 * sources build them).
 *
 * Written here rather than taken from fast-json-patch's `compare` because of lists of ids: `compare`
 * diffs arrays index by index, so when one account moves in the renewals order every id between
 * its old and new place is replaced (measured: two thirds of a renewals delta's bytes were
 * `replace /order/…`). A list of distinct ids is diffed here as the few removes and adds that turn
 * one order into the other (the ids outside a longest increasing subsequence move). A list of
 * records with distinct `id`s is diffed alike, then each record that kept its place field by field:
 * an account's newest moves (oldest first) that gain one and drop the oldest take one remove and
 * one add, not a replace of every field at every place. Any other array, or an id list where index
 * by index is shorter, is diffed index by index as `compare` does.
 */
export function diffStates(before: unknown, after: unknown): Operation[] {
  const ops: Operation[] = [];
  diffValue(before, after, '', ops);
  return ops;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function diffValue(before: unknown, after: unknown, path: string, ops: Operation[]): void {
  if (before === after) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    diffArray(before, after, path, ops);
  } else if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before)) {
      if (!Object.hasOwn(after, key)) ops.push({ op: 'remove', path: `${path}/${escapeKey(key)}` });
    }
    for (const key of Object.keys(after)) {
      const child = `${path}/${escapeKey(key)}`;
      if (Object.hasOwn(before, key)) diffValue(before[key], after[key], child, ops);
      else ops.push({ op: 'add', path: child, value: after[key] });
    }
  } else {
    ops.push({ op: 'replace', path, value: after });
  }
}

function diffArray(before: Json[], after: Json[], path: string, ops: Operation[]): void {
  if (isIdList(before) && isIdList(after)) {
    const byIndex = changedPositions(before, after);
    if (byIndex === 0) return;
    const asList = reorderOps(before, after, (index) => after[index] as string, path).ops;
    if (asList.length < byIndex) {
      ops.push(...asList);
      return;
    }
  }
  const beforeIds = recordIds(before);
  const afterIds = beforeIds && recordIds(after);
  if (beforeIds && afterIds && changedPositions(beforeIds, afterIds) > 0) {
    diffRecordList(before, after, beforeIds, afterIds, path, ops);
    return;
  }
  const common = Math.min(before.length, after.length);
  for (let index = 0; index < common; index++)
    diffValue(before[index], after[index], `${path}/${index}`, ops);
  for (let index = before.length - 1; index >= after.length; index--)
    ops.push({ op: 'remove', path: `${path}/${index}` });
  for (let index = before.length; index < after.length; index++)
    ops.push({ op: 'add', path: `${path}/${index}`, value: after[index] });
}

/** Strings, none twice. */
function isIdList(list: Json[]): list is string[] {
  if (list.length === 0 || !list.every((item) => typeof item === 'string')) return false;
  return new Set(list).size === list.length;
}

type Id = string | number;

/** The `id` of every item when all are records with a string or number id, none twice; else null. */
function recordIds(list: Json[]): Id[] | null {
  if (list.length === 0) return null;
  const ids: Id[] = [];
  for (const item of list) {
    const id = isObject(item) ? item.id : undefined;
    if (typeof id !== 'string' && typeof id !== 'number') return null;
    ids.push(id);
  }
  return new Set(ids).size === ids.length ? ids : null;
}

/** Records that moved, left or arrived as whole items; each that kept its place by its fields. */
function diffRecordList(
  before: Json[],
  after: Json[],
  beforeIds: Id[],
  afterIds: Id[],
  path: string,
  ops: Operation[],
): void {
  const reorder = reorderOps(beforeIds, afterIds, (index) => after[index] as Json, path);
  ops.push(...reorder.ops);
  const beforeById = new Map(beforeIds.map((id, index) => [id, before[index]]));
  afterIds.forEach((id, index) => {
    if (reorder.kept.has(id)) diffValue(beforeById.get(id), after[index], `${path}/${index}`, ops);
  });
}

/** How many operations the index-by-index diff of two id lists takes. */
function changedPositions(before: Id[], after: Id[]): number {
  let changed = Math.abs(before.length - after.length);
  const common = Math.min(before.length, after.length);
  for (let index = 0; index < common; index++) if (before[index] !== after[index]) changed++;
  return changed;
}

/**
 * Removes (from the end, so each index is valid when applied) every id that leaves the list or
 * moves, then adds the item of each (`valueAt`) at its new place: the ids that keep their relative
 * order — the longest increasing run of new positions — are never touched (`kept`).
 */
function reorderOps(
  before: Id[],
  after: Id[],
  valueAt: (index: number) => Json,
  path: string,
): { ops: Operation[]; kept: Set<Id> } {
  const newIndex = new Map(after.map((id, index) => [id, index]));
  const staying = before.filter((id) => newIndex.has(id));
  const run = longestIncreasingRun(staying.map((id) => newIndex.get(id) as number));
  const kept = new Set(run.map((position) => after[position] as Id));
  const ops: Operation[] = [];
  for (let index = before.length - 1; index >= 0; index--) {
    if (!kept.has(before[index] as Id)) ops.push({ op: 'remove', path: `${path}/${index}` });
  }
  for (let index = 0; index < after.length; index++) {
    if (!kept.has(after[index] as Id))
      ops.push({ op: 'add', path: `${path}/${index}`, value: valueAt(index) });
  }
  return { ops, kept };
}

/** The values of a longest strictly increasing subsequence of `sequence` (patience sorting, n log n). */
function longestIncreasingRun(sequence: number[]): number[] {
  const tails: number[] = []; // tails[k]: index in `sequence` ending the best run of length k + 1
  const previous: number[] = new Array(sequence.length);
  for (let index = 0; index < sequence.length; index++) {
    const value = sequence[index] as number;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((sequence[tails[middle] as number] as number) < value) low = middle + 1;
      else high = middle;
    }
    previous[index] = low > 0 ? (tails[low - 1] as number) : -1;
    tails[low] = index;
  }
  const run: number[] = [];
  for (let index = tails.at(-1) ?? -1; index >= 0; index = previous[index] as number)
    run.push(sequence[index] as number);
  return run.reverse();
}

const escapeKey = jsonpatch.escapePathComponent;
