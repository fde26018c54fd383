/**
 * A tour of Stratum's embedded API: one database on disk, data kept apart in spaces,
 * history and time travel, a change tried on a fork and merged, and the same data after a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stratum } from '@stratum/executor';

export async function demo(log: (line: string) => void = console.log): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'stratum-demo-'));
  try {
    let db = await Stratum.open(dir);
    log(`opened a database in ${dir}`);

    await db.setSpace('conversations');
    await db.kvPut('msg_001', { role: 'user', text: 'What is the weather in Paris?' });
    await db.kvPut('msg_002', { role: 'assistant', text: 'Let me check.' });

    await db.setSpace('tool-results');
    const first = await db.kvPut('weather:paris', { tempC: 18, sky: 'cloudy' });
    await db.kvPut('weather:paris', { tempC: 21, sky: 'sunny' });

    log(`spaces: ${(await db.listSpaces()).join(', ')}`);
    log(`conversations holds: ${(await db.inSpace('conversations', (s) => s.kvList())).join(', ')}`);
    log(`tool-results holds: ${(await db.kvList()).join(', ')}`);

    const history = (await db.kvGetv('weather:paris')) ?? [];
    log(`weather:paris has ${history.length} versions, newest first:`);
    for (const v of history) log(`  v${v.version}: ${JSON.stringify(v.value)}`);
    const before = history.find((v) => v.version === first);
    if (before) {
      const then = await db.kvGet('weather:paris', { asOf: before.timestamp });
      log(`as of the first write it was: ${JSON.stringify(then?.value)}`);
    }

    // Try a change on a fork: the default branch sees it only once merged.
    await db.forkBranch('experiment');
    const trial = db.newHandle();
    await trial.setBranch('experiment');
    await trial.setSpace('tool-results');
    await trial.kvPut('weather:paris', { tempC: 25, sky: 'clear' });
    const show = async (h: Stratum) => JSON.stringify((await h.kvGet('weather:paris'))?.value);
    log(`on the fork: ${await show(trial)}; on default: ${await show(db)}`);
    const merged = await db.mergeBranches('experiment');
    log(`merged experiment (${merged.keysApplied} change): default now has ${await show(db)}`);
    await trial.close();

    await db.close();
    db = await Stratum.open(dir);
    const again = await db.inSpace('conversations', (s) => s.kvGet('msg_001'));
    log(`after a restart, conversations/msg_001 = ${JSON.stringify(again?.value)}`);
    const info = await db.execute({ type: 'SpaceInfo', space: 'tool-results' });
    log(`tool-results: ${info.counts.kv} key(s), created ${new Date(info.createdAt / 1000).toISOString()}`);
    await db.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await demo();
