import type { Stratum } from '../src/index.js';

/** Resolves to the error code a promise fails with, or 'ok'. */
export const code = (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(() => 'ok', (e: { code?: string }) => e.code);

/** Writes one item of every primitive into the current branch and space of `db`, tagged with `tag`. */
export async function fill(db: Stratum, tag: string): Promise<void> {
  await db.kvPut('k', tag);
  await db.kvPut(`only-${tag}`, 1);
  await db.jsonSet('doc', '$', { tag, list: [1, 2] });
  await db.stateSet('cell', tag);
  await db.eventAppend('log', { tag });
  if ((await db.vectorListCollections()).length === 0) await db.vectorCreateCollection('docs', 2, 'cosine');
  await db.vectorUpsert('docs', `v-${tag}`, [1, 0], { tag });
}

/**
 * Everything `db` sees on `branch` in `spaces`, as plain values (no versions or times), for
 * comparing a branch before and after a change, or two branches.
 */
export async function view(db: Stratum, branch: string, spaces: readonly string[] = ['default', 'work']): Promise<unknown> {
  const h = db.newHandle();
  try {
    await h.setBranch(branch);
    const out: Record<string, unknown> = { spaces: await h.listSpaces() };
    for (const space of spaces) {
      out[space] = await h.inSpace(space, async (s) => {
        const keys = await s.kvList();
        const collections = await s.vectorListCollections();
        return {
          kv: Object.fromEntries(await Promise.all(keys.map(async (k) => [k, (await s.kvGet(k))?.value] as const))),
          doc: (await s.jsonGet('doc'))?.value ?? null,
          cell: (await s.stateGet('cell'))?.value ?? null,
          events: (await s.eventGetByType('log')).map((e) => e.value),
          collections: collections.map((c) => [c.name, c.count]),
          vectors: !collections.some((c) => c.name === 'docs') ? [] : (await s.vectorSearch('docs', [1, 0], 10)).map((m) => [m.key, m.metadata]),
        };
      });
    }
    return out;
  } finally {
    await h.close();
  }
}
