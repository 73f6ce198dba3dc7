/**
 * What a finding rests on. `documented`: an Oracle page states it (API, field, behaviour).
 * `inferred`: Oracle publishes nothing and the product relies on its own inference (a field name,
 * a word, a weak probe), so a pod may differ. `stand-in`: the sandbox's own invention where Oracle
 * publishes nothing (recognised by its labelled ids and paths), never Oracle's.
 */
export const BASES = ['documented', 'inferred', 'stand-in'] as const;
export type Basis = (typeof BASES)[number];

/** The weakest of several bases (stand-in < inferred < documented). */
export function weakestBasis(bases: Iterable<Basis>): Basis | undefined {
  let out: Basis | undefined;
  const rank: Record<Basis, number> = { documented: 2, inferred: 1, 'stand-in': 0 };
  for (const b of bases) if (out === undefined || rank[b] < rank[out]) out = b;
  return out;
}

/** Sandbox stand-in ids and paths are labelled so (`sandbox-standin`): a finding resting on one is a stand-in. */
export function isStandIn(value: string | undefined): boolean {
  return !!value && /sandbox-standin/i.test(value);
}
