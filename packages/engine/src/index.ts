export { Engine } from './engine.js';
export { Database, type DatabaseOptions, type Write, type Committed } from './database.js';
export { BranchIndex, compareBytes } from './branches.js';
export { SpaceIndex, type SpaceInfo, type SpaceCounts } from './spaces.js';
export { KvStore, type VersionedValue, type BatchItemResult, type ListOptions } from './kv.js';
export { Scope, DATA_TAGS } from './scope.js';
export { randomIds, seededIds } from './ids.js';
