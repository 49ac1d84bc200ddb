import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/**
 * Whether the query selects `field` directly under the field being resolved (through inline
 * fragments and named fragments too, as a gateway's `... on Reservation { … }` of `_entities`),
 * so a loader can fetch it in the same statement. A selection skipped by @skip/@include still
 * counts: fetching a little more is harmless.
 */
export function selectsField(info: GraphQLResolveInfo, field: string): boolean {
  const seen = new Set<string>();
  const search = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === field;
      if (selection.kind === Kind.INLINE_FRAGMENT) return search(selection.selectionSet);
      const name = selection.name.value;
      if (seen.has(name)) return false;
      seen.add(name);
      return search(info.fragments[name]?.selectionSet);
    });
  return info.fieldNodes.some((node) => search(node.selectionSet));
}
