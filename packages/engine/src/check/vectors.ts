import { isNonArrayObject } from '@stratum/core';
import type { Problems } from './report.js';

/**
 * The vector collections of one (branch, space), gathered from live records in key order
 * (vectors, then collection configs): every vector's embedding must hold exactly the
 * collection's dimension of float32s, and a vector needs its collection.
 */
export class VectorsCheck {
  readonly #dimensions = new Map<string, number>();
  /** Per collection, each embedding size met (bytes) with the first vector that had it. */
  readonly #sizes = new Map<string, Map<number, string>>();

  readonly problems: Problems;

  constructor(problems: Problems) {
    this.problems = problems;
  }

  vector(item: Buffer, value: unknown, where: string): void {
    const name = item.toString('utf8');
    const slash = name.indexOf('/');
    if (slash <= 0 || !isNonArrayObject(value) || !(value['embedding'] instanceof Uint8Array) || !Number.isSafeInteger(value['version'])) {
      this.problems.add('malformed-record', 'a vector record is not {embedding, metadata, version} under collection/key', where);
      return;
    }
    const collection = name.slice(0, slash);
    let sizes = this.#sizes.get(collection);
    if (sizes === undefined) this.#sizes.set(collection, (sizes = new Map()));
    const size = value['embedding'].byteLength;
    if (!sizes.has(size)) sizes.set(size, where);
  }

  config(item: Buffer, value: unknown, where: string): void {
    if (!isNonArrayObject(value) || !Number.isSafeInteger(value['dimension']) || typeof value['metric'] !== 'string') {
      this.problems.add('malformed-record', 'a collection record is not {dimension, metric}', where);
      return;
    }
    this.#dimensions.set(item.toString('utf8'), value['dimension'] as number);
  }

  /**
   * Checks each collection's vectors against its dimension. A fork may hold vectors of a
   * collection whose record only its parent has (its reads fall through), so there a missing
   * collection is not a problem.
   */
  finish(fork: boolean): void {
    for (const [collection, sizes] of this.#sizes) {
      const dimension = this.#dimensions.get(collection);
      if (dimension === undefined) {
        if (!fork) for (const where of sizes.values()) this.problems.add('vector-orphan', `a vector of collection '${collection}', which does not exist`, where);
        continue;
      }
      for (const [size, where] of sizes) {
        if (size !== dimension * 4) {
          this.problems.add('vector-dimension', `an embedding of ${size / 4} float32s in collection '${collection}' of dimension ${dimension}`, where);
        }
      }
    }
  }
}
