import { err } from '@stratum/core';

/**
 * What a commit promises once acknowledged:
 * - `cache`: nothing survives the process (in-memory store);
 * - `standard`: written to the operating system before the commit returns (survives a process crash);
 * - `always`: synced to stable storage before the commit returns (survives power loss).
 */
export const DURABILITY_MODES = ['cache', 'standard', 'always'] as const;
export type DurabilityMode = (typeof DURABILITY_MODES)[number];

export function parseDurability(text: string): DurabilityMode {
  if ((DURABILITY_MODES as readonly string[]).includes(text)) return text as DurabilityMode;
  throw err.invalidInput(`Unknown durability mode '${text}' (expected one of ${DURABILITY_MODES.join(', ')})`);
}

/** Whether a storage batch in this mode must be synced before it is acknowledged. */
export const syncsEveryCommit = (mode: DurabilityMode): boolean => mode === 'always';

/**
 * How long an acknowledged write may wait in the operating system before a background sync
 * reaches stable storage, in ms; undefined where no background sync runs (`always` syncs every
 * batch, `cache` has no disk). Bounds what a power loss can take in `standard` mode.
 */
export const backgroundSyncMs = (mode: DurabilityMode): number | undefined => (mode === 'standard' ? 100 : undefined);
