import { describe, expect, it } from 'vitest';
import { MemoryStore, openStore } from '../src/index.js';
import { storeSuite } from './store-suite.js';

storeSuite('memory', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});

describe('openStore({ memory: true })', () => {
  it('opens an empty memory store', async () => {
    const store = await openStore({ memory: true });
    expect(store.kind).toBe('memory');
    expect(await store.count(new Uint8Array(0))).toBe(0);
    await store.close();
  });
});
