import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/live/state-diff.js';

const apply = (state: unknown, ops: ReturnType<typeof diffStates>) =>
  jsonpatch.applyPatch(structuredClone(state), ops, true, false).newDocument;

/** Distinct ids, as the renewals order and short lists hold them. */
const idList = fc.uniqueArray(fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `acct-${i}`)), {
  maxLength: 40,
});
/** Records with distinct ids (an account's moves, its renewals), some changed between states. */
const records = fc.uniqueArray(
  fc.record({ id: fc.integer({ min: 1, max: 30 }), score: fc.integer({ min: 0, max: 3 }) }),
  { selector: (record) => record.id, maxLength: 12 },
);
/** A topic state: nested objects with id lists, numbers and other arrays. */
const state = fc.record({
  order: idList,
  rows: fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string(), fc.constant(null))),
  totals: fc.record({ atr: fc.integer(), forecast: fc.integer() }),
  series: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), { maxLength: 8 }),
  nested: fc.array(fc.record({ id: fc.string({ maxLength: 3 }), n: fc.integer() }), { maxLength: 5 }),
});

describe('diffStates: the patch between two published states of a topic', () => {
  it('turns any state into any other (checked with the client’s own patch applier)', () => {
    fc.assert(
      fc.property(state, state, (before, after) => {
        expect(apply(before, diffStates(before, after))).toEqual(after);
      }),
      { numRuns: 2_000, seed: 20261127 },
    );
  });

  it('turns an id list into any reordering of it', () => {
    fc.assert(
      fc.property(idList, idList, (before, after) => {
        expect(apply({ order: before }, diffStates({ order: before }, { order: after }))).toEqual({
          order: after,
        });
      }),
      { numRuns: 2_000, seed: 20261127 },
    );
  });

  it('turns a list of records with ids into any other, records kept in place diffed by field', () => {
    fc.assert(
      fc.property(records, records, (before, after) => {
        expect(apply({ moves: before }, diffStates({ moves: before }, { moves: after }))).toEqual({
          moves: after,
        });
      }),
      { numRuns: 2_000, seed: 20261127 },
    );
  });

  it("takes one remove and one add when an account's newest 200 moves gain one and drop the oldest", () => {
    const move = (id: number) => ({
      id,
      toScore: 70 + (id % 10),
      contributions: { ci: { points: id / 100 } },
    });
    const before = Array.from({ length: 200 }, (_, i) => move(i + 1));
    const after = [...before.slice(1), move(201)];
    expect(diffStates({ scoreHistory: before }, { scoreHistory: after })).toEqual([
      { op: 'remove', path: '/scoreHistory/0' },
      { op: 'add', path: '/scoreHistory/199', value: move(201) },
    ]);
    const edited = after.map((entry) => (entry.id === 150 ? { ...entry, toScore: 1 } : entry));
    expect(diffStates({ scoreHistory: after }, { scoreHistory: edited })).toEqual([
      { op: 'replace', path: '/scoreHistory/148/toScore', value: 1 },
    ]);
  });

  it('moves one id in a long order with one remove and one add, not a replace per place it passes', () => {
    const before = Array.from({ length: 300 }, (_, i) => `acct-${i}`);
    const after = [...before];
    const [moved] = after.splice(250, 1);
    after.splice(10, 0, moved as string);
    const ops = diffStates({ order: before }, { order: after });
    expect(ops).toEqual([
      { op: 'remove', path: '/order/250' },
      { op: 'add', path: '/order/10', value: 'acct-250' },
    ]);
    expect(jsonpatch.compare({ order: before }, { order: after }).length).toBe(241);
  });

  it('keeps one replace for an id changed in place', () => {
    expect(diffStates({ order: ['a', 'b', 'c'] }, { order: ['a', 'x', 'c'] })).toEqual([
      { op: 'replace', path: '/order/1', value: 'x' },
    ]);
  });

  it('sends nothing when nothing changed, and escapes keys as JSON Pointer requires', () => {
    const same = { rows: { 'a/b': 1, 'c~d': [1, 2] }, order: ['x', 'y'] };
    expect(diffStates(same, structuredClone(same))).toEqual([]);
    expect(diffStates({ rows: { 'a/b': 1 } }, { rows: { 'a/b': 2 } })).toEqual([
      { op: 'replace', path: '/rows/a~1b', value: 2 },
    ]);
  });
});
