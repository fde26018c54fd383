import { LevelStore } from './level-store.js';
import { MemoryStore } from './memory-store.js';
import type { Store } from './store.js';

export type { AsOfScanOptions, HistoryEntry, MetaOp, ScanEntry, ScanOptions, Store, VersionInfo, VersionInfoEntry, VersionRef, VersionedRecord, WriteOp, WriteOptions } from './store.js';
export { LevelStore } from './level-store.js';
export { MemoryStore } from './memory-store.js';
export { LevelAudit, type StoredKey, type StorageProblem } from './level-audit.js';
export { snapshotLevelDir, type LevelSnapshot } from './level-snapshot.js';
export { directorySize } from './level-files.js';
export { encodeValue, decodeValue } from './record-codec.js';

/** Where a store keeps its data: a directory on disk, or memory only (`cache` mode). */
export type StoreOptions = { readonly dir: string } | { readonly memory: true };

/**
 * Opens a store: a {@link LevelStore} in `dir` (created if missing), or an empty
 * {@link MemoryStore}. Fails with `Io` when the directory is unusable or held by another process.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  if ('memory' in options) return new MemoryStore();
  return LevelStore.open(options.dir);
}
