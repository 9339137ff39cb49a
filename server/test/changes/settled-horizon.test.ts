import { describe, expect, it } from 'vitest';
import { settledHorizon } from '../../src/changes/settled-horizon.js';

describe('settledHorizon', () => {
  const cases: Array<[snapshot: string, own: string[], horizon: string, why: string]> = [
    ['752:752:', [], '752', 'nothing running: everything below xmax is settled'],
    ['100:120:100,105,110', ['100', '105', '110'], '100', 'our oldest running transaction holds it back'],
    ['100:120:100,105,110', ['105'], '105', 'running transactions of other databases do not'],
    ['100:120:100,105,110', [], '120', 'only other databases running: up to xmax'],
    ['100:120:100,105', ['130'], '120', 'an xid of ours started after the snapshot is ≥ xmax anyway'],
    // Epoch 1: xid8 4294967396 is 32-bit xid 100 (pg_stat_activity shows 32-bit xids).
    ['4294967396:4294967400:4294967396,4294967398', ['102'], '4294967398', 'matches xid8 by its low 32 bits'],
  ];
  it.each(cases)('%s with own %j → %s (%s)', (snapshot, own, horizon) => {
    expect(settledHorizon(snapshot, own)).toBe(horizon);
  });

  it('refuses text that is not a snapshot', () => {
    expect(() => settledHorizon('nonsense', [])).toThrow(/not a pg_snapshot/);
  });
});
