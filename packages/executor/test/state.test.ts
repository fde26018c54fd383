import { describe, expect, it } from 'vitest';
import { Stratum, type Command } from '../src/index.js';
import { tempDir } from './helpers.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

/** What a client can observe of the database: changes to any of it show up here. */
async function observe(db: Stratum): Promise<unknown> {
  const spaces = await db.listSpaces();
  const cells: Record<string, unknown> = {};
  for (const space of spaces) {
    cells[space] = await db.inSpace(space, async (s) => {
      const names = await s.stateList();
      return Promise.all(names.map(async (n) => [n, await s.stateGetv(n)]));
    });
  }
  return { version: db.engine.db.version, spaces, cells };
}

describe('state cells through the Stratum handle', () => {
  it('sets, reads, compares-and-swaps, inits, lists, deletes and shows history', async () => {
    const db = await Stratum.cache();
    expect(await db.stateSet('lock', 'worker-1')).toBe(1);
    expect(await db.stateCas('lock', null, 'worker-2')).toBeNull();
    expect(await db.stateCas('lock', 1, 'worker-2')).toBe(2);
    expect(await db.stateCas('other', 1, 'x')).toBeNull();
    expect(await db.stateInit('lock', 'ignored')).toBe(2);
    const got = await db.stateGet('lock');
    expect(got).toEqual({ value: 'worker-2', version: 2, timestamp: expect.any(Number) });
    expect(await db.stateGet('lock', { asOf: got!.timestamp - 1 })).toMatchObject({ value: 'worker-1', version: 1 });
    expect(await db.stateBatchSet([{ cell: 'a', value: 1 }, { cell: 'a', value: 2 }, { cell: '', value: 3 }])).toEqual([
      { version: 1 },
      { version: 2 },
      { error: { code: 'InvalidInput', message: 'Key must not be empty' } },
    ]);
    expect(await db.stateList()).toEqual(['a', 'lock']);
    expect(await db.stateList({ prefix: 'l' })).toEqual(['lock']);
    expect(await db.stateDelete('lock')).toBe(true);
    expect(await db.stateDelete('lock')).toBe(false);
    const history = await db.stateGetv('lock');
    expect(history?.map((e) => [e.value, e.version, e.deleted ?? false])).toEqual([
      [null, 0, true],
      ['worker-2', 2, false],
      ['worker-1', 1, false],
    ]);
    expect(await db.stateGetv('lock', { asOf: got!.timestamp })).toHaveLength(2);
    expect(await db.stateGetv('never')).toBeNull();
    expect(await db.stateList({ asOf: got!.timestamp })).toEqual(['lock']);
    await db.close();
  });

  it('answers every command with its one output variant', async () => {
    const db = await Stratum.cache();
    const run = (c: Command) => db.execute(c).then((o) => o.type);
    expect(await run({ type: 'StateSet', cell: 'c', value: 1 })).toBe('Version');
    expect(await run({ type: 'StateInit', cell: 'c', value: 1 })).toBe('Version');
    expect(await run({ type: 'StateGet', cell: 'c' })).toBe('MaybeVersioned');
    expect(await run({ type: 'StateGet', cell: 'c', asOf: 1 })).toBe('MaybeVersioned');
    expect(await run({ type: 'StateCas', cell: 'c', expectedCounter: 9, value: 1 })).toBe('MaybeVersion');
    expect(await run({ type: 'StateGetv', cell: 'c' })).toBe('VersionHistory');
    expect(await run({ type: 'StateList' })).toBe('Keys');
    expect(await run({ type: 'StateBatchSet', entries: [] })).toBe('BatchResults');
    expect(await run({ type: 'StateDelete', cell: 'c' })).toBe('Bool');
    await db.close();
  });

  it('never loses an update: 50 handles each doing 100 read-CAS-retry increments on a disk database', async () => {
    const db = await Stratum.open(await tempDir());
    await db.setSpace('counters');
    expect(await db.stateInit('n', 0)).toBe(1);
    const worker = async () => {
      const h = db.newHandle();
      await h.setSpace('counters');
      for (let done = 0; done < 100; ) {
        const cur = await h.stateGet('n');
        if ((await h.stateCas('n', cur!.version, (cur!.value as number) + 1)) !== null) done++;
      }
      await h.close();
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    expect(await db.stateGet('n')).toMatchObject({ value: 5000, version: 5001 });
    expect(await db.stateGetv('n')).toHaveLength(5001);
    await db.close();
  }, 60_000);
});

describe('state cells on a read-only database', () => {
  it('refuses every state write with AccessDenied and still answers reads', async () => {
    const dir = await tempDir();
    const writer = await Stratum.open(dir);
    await writer.stateSet('c', 'v');
    await writer.close();
    const db = await Stratum.open(dir, { readOnly: true });
    const writes: Command[] = [
      { type: 'StateSet', cell: 'c', value: 1 },
      { type: 'StateInit', cell: 'new', value: 1 },
      { type: 'StateCas', cell: 'c', expectedCounter: 1, value: 1 },
      { type: 'StateDelete', cell: 'c' },
      { type: 'StateBatchSet', entries: [{ cell: 'c', value: 1 }] },
    ];
    for (const command of writes) expect(await code(db.execute(command))).toBe('AccessDenied');
    expect(await db.stateGet('c')).toMatchObject({ value: 'v', version: 1 });
    expect(await db.stateList()).toEqual(['c']);
    expect(await db.stateGetv('c')).toHaveLength(1);
    await db.close();
  });
});

describe('state cells across spaces (the spaces seed list, State primitive)', () => {
  it('keeps the same cell independent in two spaces', async () => {
    const db = await Stratum.cache();
    expect(await db.inSpace('a', (s) => s.stateSet('cell', 'in a'))).toBe(1);
    expect(await db.inSpace('b', (s) => s.stateSet('cell', 'in b'))).toBe(1);
    expect(await db.inSpace('a', (s) => s.stateSet('cell', 'in a again'))).toBe(2);
    expect(await db.inSpace('b', (s) => s.stateGet('cell'))).toMatchObject({ value: 'in b', version: 1 });
    expect(await db.inSpace('a', (s) => s.stateGet('cell'))).toMatchObject({ value: 'in a again', version: 2 });
    expect(await db.stateGet('cell')).toBeNull();
    await db.close();
  });

  it('keeps operations in one space invisible in another', async () => {
    const db = await Stratum.cache();
    await db.setSpace('a');
    await db.stateSet('x', 1);
    await db.stateInit('y', 2);
    expect(await db.stateCas('z', null, 3)).toBe(1);
    await db.stateBatchSet([{ cell: 'w', value: 4 }]);
    await db.setSpace('b');
    expect(await db.stateList()).toEqual([]);
    for (const cell of ['w', 'x', 'y', 'z']) {
      expect(await db.stateGet(cell)).toBeNull();
      expect(await db.stateGetv(cell)).toBeNull();
    }
    // The counters of b start on their own: a CAS against a's counter fails here.
    expect(await db.stateCas('x', 1, 'from b')).toBeNull();
    expect(await db.inSpace('a', (s) => s.stateList())).toEqual(['w', 'x', 'y', 'z']);
    await db.close();
  });

  it('leaves the other space alone when a cell is deleted in one', async () => {
    const db = await Stratum.cache();
    await db.inSpace('a', (s) => s.stateSet('shared', 'a'));
    await db.inSpace('b', (s) => s.stateSet('shared', 'b'));
    expect(await db.inSpace('a', (s) => s.stateDelete('shared'))).toBe(true);
    expect(await db.inSpace('a', (s) => s.stateGet('shared'))).toBeNull();
    expect(await db.inSpace('b', (s) => s.stateGet('shared'))).toMatchObject({ value: 'b', version: 1 });
    expect(await db.inSpace('b', (s) => s.stateList())).toEqual(['shared']);
    await db.close();
  });

  it('registers a space with its first cell, and not for a command that changes nothing', async () => {
    const db = await Stratum.cache();
    await db.execute({ type: 'StateDelete', space: 'ghost', cell: 'c' });
    await db.execute({ type: 'StateCas', space: 'ghost', cell: 'c', expectedCounter: 1, value: 1 });
    await db.execute({ type: 'StateBatchSet', space: 'ghost', entries: [{ cell: '', value: 1 }] });
    expect(await db.spaceExists('ghost')).toBe(false);
    const v = db.engine.db.version;
    await db.execute({ type: 'StateInit', space: 'fresh', cell: 'c', value: 1 });
    expect(db.engine.db.version).toBe(v + 1);
    const info = await db.execute({ type: 'SpaceInfo', space: 'fresh' });
    expect(info.createdAt).toBe((await db.execute({ type: 'StateGet', space: 'fresh', cell: 'c' })).value?.timestamp);
    await db.close();
  });

  it('counts live cells in SpaceInfo counts.state and in Info totalKeys', async () => {
    const db = await Stratum.cache();
    await db.inSpace('a', (s) => s.stateBatchSet([{ cell: 'x', value: 1 }, { cell: 'y', value: 1 }, { cell: 'x', value: 2 }]));
    await db.inSpace('a', (s) => s.stateSet('z', 1));
    await db.inSpace('a', (s) => s.stateDelete('z'));
    await db.stateSet('d', 1);
    await db.kvPut('k', 1);
    const info = await db.execute({ type: 'SpaceInfo', space: 'a' });
    expect(info.counts).toEqual({ kv: 0, json: 0, state: 2, events: 0, collections: 0, vectors: 0 });
    expect((await db.execute({ type: 'SpaceInfo', space: 'default' })).counts).toMatchObject({ kv: 1, state: 1 });
    expect((await db.execute({ type: 'Info' })).value.totalKeys).toBe(4);
    await db.close();
  });

  it('deletes a space’s cells with a forced SpaceDelete, and refuses a plain one', async () => {
    const db = await Stratum.cache();
    await db.inSpace('full', (s) => s.stateSet('c', 1));
    expect(await code(db.deleteSpace('full'))).toBe('ConstraintViolation');
    await db.deleteSpaceForce('full');
    expect(await db.inSpace('full', (s) => s.stateList())).toEqual([]);
    expect(await db.inSpace('full', (s) => s.stateSet('c', 1))).toBe(1);
    await db.close();
  });
});

describe('bad state commands', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 129; i++) deep = [deep];
  const bad: [string, Record<string, unknown>, string][] = [
    ['an empty cell', { type: 'StateSet', cell: '', value: 1 }, 'InvalidInput'],
    ['a reserved cell', { type: 'StateGet', cell: '_strata/c' }, 'InvalidInput'],
    ['a cell with NUL', { type: 'StateDelete', cell: 'a\u0000' }, 'InvalidInput'],
    ['a cell over 1024 bytes', { type: 'StateInit', cell: 'c'.repeat(1025), value: 1 }, 'ConstraintViolation'],
    ['a reserved prefix', { type: 'StateList', prefix: '_strata/' }, 'InvalidInput'],
    ['a value nested too deep', { type: 'StateCas', cell: 'c', value: deep }, 'ConstraintViolation'],
    ['a string over 16 MiB', { type: 'StateSet', cell: 'c', value: 'x'.repeat(16 * 1024 * 1024 + 1) }, 'ConstraintViolation'],
    ['a numeric cell', { type: 'StateSet', cell: 7, value: 1 }, 'InvalidCommand'],
    ['a negative expectedCounter', { type: 'StateCas', cell: 'c', expectedCounter: -1, value: 1 }, 'InvalidCommand'],
    ['a string asOf', { type: 'StateGetv', cell: 'c', asOf: '1' }, 'InvalidCommand'],
    ['an unknown field', { type: 'StateSet', cell: 'c', value: 1, key: 'c' }, 'InvalidCommand'],
    ['an unknown entry field', { type: 'StateBatchSet', entries: [{ cell: 'c', value: 1, extra: 1 }] }, 'InvalidCommand'],
    ['a missing value', { type: 'StateInit', cell: 'c' }, 'InvalidCommand'],
    ['an invalid space name', { type: 'StateSet', space: 'Bad Space', cell: 'c', value: 1 }, 'InvalidInput'],
    ['a reserved space name', { type: 'StateBatchSet', space: '_system_x', entries: [{ cell: 'c', value: 1 }] }, 'InvalidInput'],
    ['an invalid space on a read', { type: 'StateList', space: '' }, 'InvalidInput'],
    ['a missing branch', { type: 'StateSet', branch: 'nope', cell: 'c', value: 1 }, 'BranchNotFound'],
    ['a missing branch on a read', { type: 'StateGetv', branch: 'nope', cell: 'c' }, 'BranchNotFound'],
  ];

  it.each(bad)('rejects %s and changes nothing', async (_what, command, want) => {
    const db = await Stratum.cache();
    await db.stateSet('c', 'kept');
    await db.inSpace('other', (s) => s.stateSet('c', 'kept too'));
    const before = await observe(db);
    expect(await code(db.execute(command as unknown as Command))).toBe(want);
    expect(await observe(db)).toEqual(before);
    await db.close();
  });
});
