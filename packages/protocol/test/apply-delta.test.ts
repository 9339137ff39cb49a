import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { applyDelta } from '../src/apply-delta.js';

/** A topic-like state: nested records, arrays of ids and of records, numbers and strings. */
const state = fc.record({
  cards: fc.dictionary(
    fc.constantFrom('a', 'b', 'c', 'd/e', 'f~g'),
    fc.record({ value: fc.integer(), label: fc.string() }),
  ),
  order: fc.uniqueArray(fc.constantFrom('x', 'y', 'z', 'w', 'v'), { maxLength: 5 }),
  rows: fc.array(fc.record({ id: fc.string({ maxLength: 2 }), n: fc.integer() }), { maxLength: 4 }),
  totals: fc.record({ atr: fc.integer(), nested: fc.record({ deep: fc.integer() }) }),
});

describe('applyDelta: the next state of a topic without copying all of it', () => {
  it('gives what fast-json-patch gives, and leaves the previous state as it was', () => {
    fc.assert(
      fc.property(state, state, (before, after) => {
        const ops = jsonpatch.compare(before, after);
        const frozen = JSON.stringify(before);
        expect(applyDelta(before, ops)).toEqual(
          jsonpatch.applyPatch(structuredClone(before), ops).newDocument,
        );
        expect(JSON.stringify(before)).toBe(frozen);
      }),
      { numRuns: 2_000, seed: 20261127 },
    );
  });

  it('shares every part no op reaches, and copies the parts on an op’s path', () => {
    const before = { cards: { a: { value: 1 }, b: { value: 2 } }, order: ['x', 'y'], totals: { atr: 5 } };
    const next = applyDelta(before, [
      { op: 'replace', path: '/cards/a/value', value: 3 },
      { op: 'add', path: '/order/1', value: 'z' },
    ]);
    expect(next).toEqual({
      cards: { a: { value: 3 }, b: { value: 2 } },
      order: ['x', 'z', 'y'],
      totals: { atr: 5 },
    });
    expect(next).not.toBe(before);
    expect(next.cards).not.toBe(before.cards);
    expect(next.cards.b).toBe(before.cards.b);
    expect(next.totals).toBe(before.totals);
    expect(before.order).toEqual(['x', 'y']);
  });

  it('applies move, copy and a root replace, and refuses an op that does not fit', () => {
    const before = { a: { n: 1 }, list: ['p', 'q'] };
    expect(
      applyDelta(before, [
        { op: 'copy', from: '/a', path: '/b' },
        { op: 'move', from: '/list/0', path: '/list/1' },
      ]),
    ).toEqual({ a: { n: 1 }, b: { n: 1 }, list: ['q', 'p'] });
    expect(applyDelta(before, [{ op: 'replace', path: '', value: { fresh: true } }])).toEqual({
      fresh: true,
    });
    expect(() => applyDelta(before, [{ op: 'replace', path: '/missing/n', value: 1 }])).toThrow();
    expect(() => applyDelta(before, [{ op: 'remove', path: '/a/none' }])).toThrow();
    expect(before).toEqual({ a: { n: 1 }, list: ['p', 'q'] });
  });
});
