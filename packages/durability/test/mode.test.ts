import { describe, expect, it } from 'vitest';
import { DURABILITY_MODES, backgroundSyncMs, parseDurability, syncsEveryCommit } from '../src/index.js';

describe('durability modes', () => {
  it.each([
    ['cache', false, undefined],
    ['standard', false, 100],
    ['always', true, undefined],
  ] as const)('%s: syncs every batch %s, background sync every %s ms', (mode, everyBatch, background) => {
    expect(parseDurability(mode)).toBe(mode);
    expect(syncsEveryCommit(mode)).toBe(everyBatch);
    expect(backgroundSyncMs(mode)).toBe(background);
  });

  it('lists exactly the three modes', () => {
    expect([...DURABILITY_MODES]).toEqual(['cache', 'standard', 'always']);
  });
});
