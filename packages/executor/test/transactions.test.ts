import { describe, expect, it } from 'vitest';
import { Stratum, type Session } from '../src/index.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

/** One read-increment-write of `cell` in a transaction, retried on conflict. */
async function increment(session: Session, space: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    await session.execute({ type: 'TxnBegin' });
    const got = await session.execute({ type: 'KvGet', space, key: 'counter' });
    const n = (got.value?.value as number | undefined) ?? 0;
    await session.execute({ type: 'KvPut', space, key: 'counter', value: n + 1 });
    await session.execute({ type: 'EventAppend', space: 'audit', eventType: 'inc', payload: { n: n + 1 } });
    try {
      await session.execute({ type: 'TxnCommit' });
      return attempt;
    } catch (e) {
      if ((e as { code?: string }).code !== 'TransactionConflict') throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 2));
    }
  }
}

describe('transactions through sessions', () => {
  it('N sessions doing retrying read-increment-write end with the exact total', async () => {
    const db = await Stratum.cache();
    const sessions = Array.from({ length: 8 }, () => db.session());
    const perSession = 5;
    await Promise.all(sessions.map(async (s) => {
      for (let i = 0; i < perSession; i++) await increment(s, 'billing');
    }));
    const total = await db.execute({ type: 'KvGet', space: 'billing', key: 'counter' });
    expect(total.value?.value).toBe(8 * perSession);
    expect((await db.execute({ type: 'EventLen', space: 'audit' })).value).toBe(8 * perSession);
    await db.close();
  });

  it('control commands: begin, info, commit, rollback and their errors', async () => {
    const db = await Stratum.cache();
    const s = db.session();
    expect(await s.execute({ type: 'TxnIsActive' })).toEqual({ type: 'Bool', value: false });
    expect(await s.execute({ type: 'TxnInfo' })).toEqual({ type: 'TxnInfo', value: null });
    expect(await code(s.execute({ type: 'TxnCommit' }))).toBe('TransactionNotActive');
    expect(await code(s.execute({ type: 'TxnRollback' }))).toBe('TransactionNotActive');
    expect(await s.execute({ type: 'TxnBegin' })).toEqual({ type: 'TxnBegun' });
    expect(await code(s.execute({ type: 'TxnBegin' }))).toBe('TransactionAlreadyActive');
    const info = await s.execute({ type: 'TxnInfo' });
    expect(info.value).toMatchObject({ status: 'active' });
    expect(await s.execute({ type: 'KvPut', key: 'a', value: 1 })).toEqual({ type: 'Version', value: null });
    // Another session does not see it, and is not captured by it.
    const other = db.session();
    expect((await other.execute({ type: 'KvGet', key: 'a' })).value).toBeNull();
    expect(await other.execute({ type: 'TxnIsActive' })).toEqual({ type: 'Bool', value: false });
    const committed = await s.execute({ type: 'TxnCommit' });
    expect(committed).toEqual({ type: 'TxnCommitted', version: expect.any(Number) });
    expect(await s.execute({ type: 'TxnIsActive' })).toEqual({ type: 'Bool', value: false });
    expect((await other.execute({ type: 'KvGet', key: 'a' })).value).toMatchObject({ value: 1, version: committed.version });
    await db.close();
  });

  it.each([
    ['a non-data write', { type: 'SpaceCreate', space: 'x' }, 'InvalidInput'],
    ['another branch', { type: 'KvPut', branch: 'other', key: 'k', value: 1 }, 'InvalidInput'],
  ] as const)('refuses %s inside a transaction and keeps it open', async (_name, cmd, expected) => {
    const db = await Stratum.cache();
    const s = db.session();
    await s.execute({ type: 'TxnBegin' });
    const before = (await db.execute({ type: 'Info' })).value;
    expect(await code(s.execute(cmd as never))).toBe(expected);
    expect(await s.execute({ type: 'TxnIsActive' })).toEqual({ type: 'Bool', value: true });
    await s.execute({ type: 'TxnRollback' });
    expect((await db.execute({ type: 'Info' })).value).toMatchObject({ version: before.version, spaceCount: before.spaceCount });
    await db.close();
  });

  it('read commands inside a transaction read committed state', async () => {
    const db = await Stratum.cache();
    const s = db.session();
    await s.execute({ type: 'TxnBegin' });
    await s.execute({ type: 'KvPut', space: 'fresh', key: 'k', value: 1 });
    expect((await s.execute({ type: 'SpaceExists', space: 'fresh' })).value).toBe(false);
    await s.execute({ type: 'TxnCommit' });
    expect((await s.execute({ type: 'SpaceExists', space: 'fresh' })).value).toBe(true);
    await db.close();
  });

  it('a failed commit leaves the session without a transaction', async () => {
    const db = await Stratum.cache();
    const a = db.session();
    const b = db.session();
    await a.execute({ type: 'TxnBegin' });
    await b.execute({ type: 'TxnBegin' });
    await a.execute({ type: 'StateSet', cell: 'c', value: 1 });
    await b.execute({ type: 'StateSet', cell: 'c', value: 2 });
    await a.execute({ type: 'TxnCommit' });
    expect(await code(b.execute({ type: 'TxnCommit' }))).toBe('TransactionConflict');
    expect(await b.execute({ type: 'TxnIsActive' })).toEqual({ type: 'Bool', value: false });
    expect((await db.execute({ type: 'StateGet', cell: 'c' })).value).toMatchObject({ value: 1, version: 1 });
    await db.close();
  });
});
