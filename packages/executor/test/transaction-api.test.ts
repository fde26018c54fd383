import { describe, expect, it } from 'vitest';
import { Stratum } from '../src/index.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

describe('Stratum.transaction', () => {
  it('commits on return, atomically across spaces (credits in billing, the call in api-logs)', async () => {
    const db = await Stratum.cache();
    await db.inSpace('billing', (b) => b.kvPut('credits:acme', 100));
    const before = db.engine.db.version;
    const result = await db.transaction(async (tx) => {
      const balance = await tx.execute({ type: 'KvGet', space: 'billing', key: 'credits:acme' });
      const credits = (balance.value?.value as number) - 5;
      await tx.execute({ type: 'KvPut', space: 'billing', key: 'credits:acme', value: credits });
      await tx.execute({ type: 'EventAppend', space: 'api-logs', eventType: 'api_call', payload: { cost: 5 } });
      // Nothing is visible outside before the commit.
      expect((await db.execute({ type: 'KvGet', space: 'billing', key: 'credits:acme' })).value?.value).toBe(100);
      expect((await db.execute({ type: 'EventLen', space: 'api-logs' })).value).toBe(0);
      return credits;
    });
    expect(result).toBe(95);
    const credits = (await db.execute({ type: 'KvGet', space: 'billing', key: 'credits:acme' })).value;
    const event = (await db.execute({ type: 'EventGet', space: 'api-logs', sequence: 0 })).value;
    expect(credits?.value).toBe(95);
    expect(event?.value).toEqual({ cost: 5 });
    // One commit: both writes carry the same new version.
    expect(credits?.version).toBe(before + 1);
    expect(db.engine.db.version).toBe(before + 1);
    expect(await db.listSpaces()).toEqual(expect.arrayContaining(['billing', 'api-logs']));
    expect(await db.txnIsActive()).toBe(false);
    await db.close();
  });

  it('rolls back when fn throws and rethrows its error', async () => {
    const db = await Stratum.cache();
    const boom = new Error('boom');
    const failed = db.transaction(async (tx) => {
      await tx.execute({ type: 'KvPut', space: 'billing', key: 'credits:acme', value: 1 });
      await tx.execute({ type: 'EventAppend', space: 'api-logs', eventType: 'api_call', payload: {} });
      throw boom;
    });
    await expect(failed).rejects.toBe(boom);
    expect((await db.execute({ type: 'KvGet', space: 'billing', key: 'credits:acme' })).value).toBeNull();
    expect((await db.execute({ type: 'EventLen', space: 'api-logs' })).value).toBe(0);
    expect(await db.listSpaces()).toEqual(['default']);
    await db.close();
  });

  it('20 concurrent read-increment-write loops end with the exact total', async () => {
    const db = await Stratum.cache();
    const loop = async () => {
      for (let i = 0; i < 10; i++) {
        await db.transaction(async (tx) => {
          const n = ((await tx.kvGet('counter'))?.value as number | undefined) ?? 0;
          await tx.kvPut('counter', n + 1);
        });
      }
    };
    await Promise.all(Array.from({ length: 20 }, loop));
    expect((await db.kvGet('counter'))?.value).toBe(200);
    await db.close();
  });

  it('gives up after `retries` conflicts and rethrows TransactionConflict', async () => {
    const db = await Stratum.cache();
    let runs = 0;
    const outcome = db.transaction(async (tx) => {
      runs++;
      await tx.kvGet('k');
      await tx.kvPut('k', runs);
      await db.kvPut('k', -runs); // a commit after the snapshot: this attempt always conflicts
    }, { retries: 2 });
    expect(await code(outcome)).toBe('TransactionConflict');
    expect(runs).toBe(3);
    expect((await db.kvGet('k'))?.value).toBe(-3);
    await db.close();
  });

  it('the view is bound to the calling handle’s space and cannot close the database', async () => {
    const db = await Stratum.cache();
    await db.setSpace('billing');
    await db.transaction(async (tx) => {
      expect(tx.currentSpace).toBe('billing');
      await tx.kvPut('a', 1);
      await tx.close();
    });
    expect((await db.kvGet('a'))?.value).toBe(1);
    await db.close();
  });
});

describe('transaction methods on a handle', () => {
  it('two transactions writing the same key: exactly one commits', async () => {
    const db = await Stratum.cache();
    const a = db.newHandle();
    const b = db.newHandle();
    await a.txnBegin();
    await b.txnBegin();
    expect(await a.txnInfo()).toMatchObject({ status: 'active' });
    await a.kvPut('seat', 'a');
    await b.kvPut('seat', 'b');
    const outcomes = await Promise.all([code(a.txnCommit()), code(b.txnCommit())]);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'TransactionConflict')).toHaveLength(1);
    const winner = outcomes[0] === 'ok' ? 'a' : 'b';
    expect((await db.kvGet('seat'))?.value).toBe(winner);
    expect([await a.txnIsActive(), await b.txnIsActive(), await a.txnInfo()]).toEqual([false, false, null]);
    await Promise.all([a.close(), b.close(), db.close()]);
  });

  it('txnCommit resolves to the commit version; errors without a transaction', async () => {
    const db = await Stratum.cache();
    expect(await code(db.txnCommit())).toBe('TransactionNotActive');
    expect(await code(db.txnRollback())).toBe('TransactionNotActive');
    await db.txnBegin();
    expect(await code(db.txnBegin())).toBe('TransactionAlreadyActive');
    await db.kvPut('x', 1);
    const version = await db.txnCommit();
    expect((await db.kvGet('x'))?.version).toBe(version);
    await db.close();
  });

  it('commands through another handle are not captured by an open transaction', async () => {
    const db = await Stratum.cache();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = db.transaction(async (t) => {
      await t.kvPut('inside', 1);
      await gate;
      throw new Error('abort');
    });
    await new Promise((r) => setTimeout(r, 5));
    await db.kvPut('outside', 2);
    expect(await db.txnIsActive()).toBe(false);
    release();
    await expect(tx).rejects.toThrow('abort');
    expect((await db.kvGet('outside'))?.value).toBe(2);
    expect(await db.kvGet('inside')).toBeNull();
    await db.close();
  });
});
