import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/**
 * Whether the query selects `field` directly under the field being resolved (through inline
 * fragments and named fragments too, as a gateway's `... on Reservation { … }` of `_entities`),
 * so a loader can fetch it in the same statement. A selection skipped by @skip/@include still
 * counts: fetching a little more is harmless.
 */
export function selectsField(info: GraphQLResolveInfo, field: string): boolean {
  // Asked once per field of the document, not once per entity of a batch (`_entities` × 100).
  let answers = asked.get(info.fieldNodes);
  if (!answers) {
    answers = new Map();
    asked.set(info.fieldNodes, answers);
  }
  let answer = answers.get(field);
  if (answer === undefined) {
    answer = search(info, field);
    answers.set(field, answer);
  }
  return answer;
}

const asked = new WeakMap<GraphQLResolveInfo['fieldNodes'], Map<string, boolean>>();

function search(info: GraphQLResolveInfo, field: string): boolean {
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
