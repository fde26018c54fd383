import { TypeTag, unescapeUserKey } from '@stratum/core';

/** A stored key taken apart: `branchId 0x00 space 0x00 tag item` (core/key-layout.ts). */
export interface KeyParts {
  /** The branch's storage id ("default", "b…", or "~" for branch records). */
  readonly branch: string;
  readonly space: string;
  readonly tag: number;
  /** The item part, still escaped. */
  readonly item: Buffer;
}

export function splitKey(key: Buffer): KeyParts | undefined {
  const a = key.indexOf(0);
  if (a <= 0) return undefined;
  const b = key.indexOf(0, a + 1);
  if (b < 0 || b + 1 >= key.length) return undefined;
  return { branch: key.toString('utf8', 0, a), space: key.toString('utf8', a + 1, b), tag: key[b + 1] as number, item: key.subarray(b + 2) };
}

const TAG_NAMES = new Map<number, string>([
  [TypeTag.Kv, 'kv'],
  [TypeTag.Event, 'event'],
  [TypeTag.State, 'state'],
  [TypeTag.Json, 'json'],
  [TypeTag.Vector, 'vector'],
  [TypeTag.VectorConfig, 'collection'],
  [TypeTag.EventMeta, 'event-log'],
  [TypeTag.EventTypeIndex, 'event-type-index'],
  [TypeTag.Space, 'space-registry'],
  [TypeTag.Branch, 'branch-record'],
  [TypeTag.Merge, 'merge-record'],
]);

export const isKnownTag = (tag: number): boolean => TAG_NAMES.has(tag);

/** The unescaped item bytes. */
export const itemBytes = (parts: KeyParts): Buffer => Buffer.from(unescapeUserKey(parts.item));

/** An event's sequence from its item bytes (8 bytes big-endian). */
export const sequenceOf = (item: Buffer): number => Number(item.readBigUInt64BE(item.length - 8));

/**
 * A key for people: `branch/space primitive item`, with the branch's name when it has one.
 * Items print as text when they are printable UTF-8, as an event number for events, else as hex.
 */
export function describeKey(parts: KeyParts, names: ReadonlyMap<string, string>): string {
  const branch = names.get(parts.branch) ?? parts.branch;
  const tag = TAG_NAMES.get(parts.tag) ?? `tag 0x${parts.tag.toString(16)}`;
  const item = itemBytes(parts);
  let shown: string;
  if (parts.tag === TypeTag.Event && item.length === 8) shown = `#${sequenceOf(item)}`;
  else {
    const text = item.toString('utf8');
    shown = Buffer.from(text, 'utf8').equals(item) && !/[\x00-\x1f]/.test(text) ? JSON.stringify(text) : `0x${item.toString('hex')}`;
  }
  return `${branch}/${parts.space} ${tag} ${shown}`;
}
