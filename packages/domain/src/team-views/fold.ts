import type { AccountSummary } from '../views.js';

/**
 * One account's part of an aggregate: the numbers it adds to the aggregate's sums, and whether it
 * is on each of the aggregate's id lists (the accounts behind a number).
 */
export interface Part {
  sums: readonly number[];
  listed: readonly boolean[];
  /** Per ranked list, the value the account adds to it (null: none); absent when the fold ranks none. */
  ranked?: readonly (number | null)[];
}

/**
 * An aggregate over accounts written as a fold: every account contributes a `Part`, the parts are
 * added up (ids listed in account order, ranked values kept sorted), and `finish` turns the totals
 * into the result. Because the result depends only on the totals, a changed account is retracted
 * (its old part subtracted) and added again (its new part) without visiting the other accounts:
 * counts, sums, averages kept as sum + count, buckets, cells and medians all take this form.
 */
export interface Fold<T, C> {
  /** How many sums, id lists and ranked value lists (for medians) a part carries. */
  readonly sums: number;
  readonly lists: number;
  readonly ranks?: number;
  /** Null when the account's state at the context's date is unknown: the fold has no result then. */
  part(s: AccountSummary, ctx: C): Part | null;
  /**
   * The result from the totals; id lists are empty when only the value is needed. Lists and ranked
   * values (ascending) are shared: never mutate or keep them.
   */
  finish(
    sums: readonly number[],
    lists: readonly string[][],
    ctx: C,
    ranked: readonly (readonly number[])[],
  ): T;
}

const noParts = new Map<string, Part>();

/** A part that adds nothing and lists nothing (shared: parts are never mutated). */
export function noPart(fold: Pick<Fold<unknown, never>, 'sums' | 'lists' | 'ranks'>): Part {
  const shape = `${fold.sums}/${fold.lists}/${fold.ranks ?? 0}`;
  let part = noParts.get(shape);
  if (!part) {
    part = Object.freeze({
      sums: Object.freeze(new Array<number>(fold.sums).fill(0)),
      listed: Object.freeze(new Array<boolean>(fold.lists).fill(false)),
      ranked: Object.freeze(new Array<null>(fold.ranks ?? 0).fill(null)),
    });
    noParts.set(shape, part);
  }
  return part;
}

/** Folds every account at once (what the incremental maintainer is held against); null as `part`. */
export function foldAll<T, C>(fold: Fold<T, C>, accounts: readonly AccountSummary[], ctx: C): T | null {
  const sums = new Array<number>(fold.sums).fill(0);
  const lists: string[][] = Array.from({ length: fold.lists }, () => []);
  const ranked: number[][] = Array.from({ length: fold.ranks ?? 0 }, () => []);
  for (const s of accounts) {
    const part = fold.part(s, ctx);
    if (part === null) return null;
    for (let i = 0; i < fold.sums; i++) sums[i]! += part.sums[i]!;
    for (let j = 0; j < fold.lists; j++) if (part.listed[j]) lists[j]!.push(s.accountId);
    for (let r = 0; r < ranked.length; r++) {
      const value = part.ranked![r];
      if (value !== null && value !== undefined) ranked[r]!.push(value);
    }
  }
  for (const values of ranked) values.sort(ascending);
  return fold.finish(sums, lists, ctx, ranked);
}

export const ascending = (a: number, b: number): number => a - b;
