/**
 * Child rows grouped by their parent's id, each group in the children's order. A caller reads the
 * groups by its parents' ids, so children of a parent it does not have (orphans) are dropped.
 */
export function groupChildren<Child>(
  children: readonly Child[],
  parentIdOf: (child: Child) => number,
): Map<number, Child[]> {
  const groups = new Map<number, Child[]>();
  for (const child of children) {
    const parentId = parentIdOf(child);
    const group = groups.get(parentId);
    if (group) group.push(child);
    else groups.set(parentId, [child]);
  }
  return groups;
}
