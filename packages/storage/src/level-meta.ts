import type { ClassicLevel } from 'classic-level';
import { META, prefixRange, spaced } from './level-layout.js';
import { decodeValue } from './record-codec.js';

/** Meta keys by name: the same few names (the clock above all) are written with every batch. */
const META_KEYS = new Map<string, Buffer>();

/** The stored key of a meta entry. */
export function metaKey(name: string): Buffer {
  let key = META_KEYS.get(name);
  if (key === undefined) {
    key = spaced(META, Buffer.from(name, 'utf8'));
    // Names are the engine's own constants, but a bound keeps a stray caller from growing it.
    if (META_KEYS.size < 256) META_KEYS.set(name, key);
  }
  return key;
}

/** Every meta entry, decoded: read once at open. */
export async function loadMeta(db: ClassicLevel<Uint8Array, Uint8Array>): Promise<Map<string, unknown>> {
  const meta = new Map<string, unknown>();
  for (const [key, value] of await db.iterator(prefixRange(META, new Uint8Array(0))).all()) {
    meta.set(Buffer.from(key.buffer, key.byteOffset + 1, key.length - 1).toString('utf8'), decodeValue(value));
  }
  return meta;
}

