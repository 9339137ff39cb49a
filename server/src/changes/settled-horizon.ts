/**
 * The settled horizon of a database: the lowest transaction id that may still add rows to it.
 *
 * `snapshot` is `pg_current_snapshot()` as text ('xmin:xmax:xip,…'), taken BEFORE `ownXids` were
 * read (the 32-bit xids of transactions running in this database, from pg_stat_activity and
 * pg_prepared_xacts). Running transactions of other databases on the same cluster cannot write
 * here, so they do not hold the horizon back (a long import next door must not stall the feed).
 * A transaction of ours that ended between the two reads has committed or aborted, so a later
 * query sees its rows; one that starts later gets an xid ≥ xmax.
 */
export function settledHorizon(snapshot: string, ownXids: readonly string[]): string {
  const [, xmax, xip = ''] = snapshot.split(':');
  if (xmax === undefined || !/^\d+$/.test(xmax)) throw new Error(`not a pg_snapshot: '${snapshot}'`);
  const own = new Set(ownXids.map((xid) => BigInt(xid)));
  let horizon = BigInt(xmax);
  for (const entry of xip === '' ? [] : xip.split(',')) {
    const xid = BigInt(entry);
    // xid8 = epoch << 32 | xid; running xids are close enough that the low 32 bits identify them.
    if (xid < horizon && own.has(xid & 0xffff_ffffn)) horizon = xid;
  }
  return horizon.toString();
}
