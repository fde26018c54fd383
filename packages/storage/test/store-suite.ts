import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../src/index.js';
import { forksContract } from './contract/forks.js';
import { lifecycleContract } from './contract/lifecycle.js';
import { maintenanceContract } from './contract/maintenance.js';
import { readsContract } from './contract/reads.js';
import { scansContract } from './contract/scans.js';
import { valuesContract } from './contract/values.js';
import { versionsContract } from './contract/versions.js';
import { writesContract } from './contract/writes.js';

/** What a backend hands the suite: a fresh empty store, optionally a way to reopen it. */
export interface StoreFixture {
  readonly store: Store;
  /** Reopens the same data after the store was closed (durable backends only). */
  readonly reopen?: () => Promise<Store>;
  readonly cleanup: () => Promise<void>;
}

/** What a backend supports beyond the common contract; tests for a missing feature are not registered. */
export interface StoreFeatures {
  /** Data survives close and reopen (the fixture provides `reopen`). */
  readonly durable: boolean;
}

/** The current test's store; the sections read it at run time, after `beforeEach` set it. */
export interface SuiteContext {
  readonly store: Store;
  readonly fixture: StoreFixture;
  readonly features: StoreFeatures;
}

/**
 * The Store contract, run against any backend: every implementation must pass all of it.
 * Each test gets a fresh store from `factory`.
 */
export function storeSuite(
  name: string,
  factory: () => Promise<StoreFixture>,
  features: StoreFeatures = { durable: false },
): void {
  describe(`Store contract: ${name}`, () => {
    let fixture: StoreFixture | undefined;
    const ctx: SuiteContext = {
      get store() {
        return current().store;
      },
      get fixture() {
        return current();
      },
      features,
    };
    const current = (): StoreFixture => {
      if (fixture === undefined) throw new Error('no store outside a test');
      return fixture;
    };

    beforeEach(async () => {
      fixture = await factory();
    });
    afterEach(async () => {
      await current().cleanup();
      fixture = undefined;
    });

    readsContract(ctx);
    scansContract(ctx);
    writesContract(ctx);
    forksContract(ctx);
    valuesContract(ctx);
    versionsContract(ctx);
    maintenanceContract(ctx);
    lifecycleContract(ctx);
  });
}
