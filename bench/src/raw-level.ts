import { ClassicLevel } from 'classic-level';
import { Encoder } from 'cbor-x';
import { VALUE, tempDir } from './harness.js';

/** Encoded the way the store encodes payloads, so the raw side writes the same number of bytes. */
export const cbor = new Encoder({ useRecords: false, mapsAsObjects: true });

/** The raw put's value: already encoded, so the raw column is the storage operation alone. */
export const RAW_VALUE: Uint8Array = cbor.encode(VALUE);

export type RawDb = ClassicLevel<string, Uint8Array>;

/** A bare classic-level database in a fresh directory, with the defaults Stratum's store runs with (no sync). */
export async function openRaw(label: string): Promise<RawDb> {
  const db: RawDb = new ClassicLevel<string, Uint8Array>(await tempDir(label), { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  return db;
}
