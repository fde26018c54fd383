import type { Value } from '@stratum/core';
import { Stratum } from '@stratum/executor';
import { SMOKE, compare, fmtRate, tempDir, type Row } from './harness.js';
import { cbor, openRaw } from './raw-level.js';

/** Documents the path writes take turns on: every write rewrites a whole 10 KB document. */
const DOCS = 100;
const AWAITED = SMOKE ? { ops: 100, warmup: 20, rounds: 1 } : { ops: 4_000, warmup: 1_000, rounds: 5 };

/** An agent's working document of about 10 KB: a header and 54 task entries. */
function document(): Value {
  const tasks: Value[] = [];
  for (let i = 0; i < 54; i++) {
    tasks.push({
      id: `task-${i}`,
      title: `Look up the opening hours of shop ${i} and note them`,
      status: i % 3 === 0 ? 'done' : 'open',
      attempts: i % 4,
      notes: 'The page lists weekday and weekend hours apart; holidays vary.',
      tags: ['errand', 'lookup', `batch-${i % 5}`],
    });
  }
  return { agent: 'planner-7', goal: 'Plan the errands for Saturday', turn: 12, tasks };
}

const DOC = document();
/** The raw put's value: the same document, encoded as the store encodes payloads. */
const RAW_DOC: Uint8Array = cbor.encode(DOC);

/**
 * Embedded `jsonSet` of one field inside a 10 KB document (read, change, rewrite the document,
 * awaited) beside classic-level `put` of the same document encoded (awaited), measured in the same
 * run. `kvPut` of the same document is timed alongside: the cost of storing 10 KB in Stratum at all.
 */
export async function jsonBench(): Promise<Row[]> {
  const db = await Stratum.open(await tempDir('json'));
  const raw = await openRaw('json-raw');
  try {
    const docs = Array.from({ length: DOCS }, (_, i) => `doc-${i}`);
    await db.jsonBatchSet(docs.map((key) => ({ key, path: '$', value: DOC })));
    const [set, kvPut, put] = await compare('jsonSet path on 10 KB doc awaited', AWAITED, [
      {
        name: 'stratum',
        run: async (keys) => {
          for (let i = 0; i < keys.length; i++) await db.jsonSet(docs[i % DOCS] as string, 'tasks[17].attempts', i);
        },
      },
      {
        name: 'kvPut',
        run: async (keys) => {
          for (const k of keys) await db.kvPut(k, DOC);
        },
      },
      {
        name: 'raw',
        run: async (keys) => {
          for (const k of keys) await raw.put(k, RAW_DOC);
        },
      },
    ]);
    const check = await db.jsonGet('doc-0', 'tasks[17]');
    if (check === null || typeof (check.value as { attempts?: unknown }).attempts !== 'number') {
      throw new Error(`the path writes did not land: ${JSON.stringify(check)}`);
    }
    return [
      {
        name: 'jsonSet on a path of a 10 KB document, awaited',
        stratum: set,
        raw: put,
        rawLabel: `put of a ${(RAW_DOC.length / 1024).toFixed(1)} KB value, awaited`,
        target: { kind: 'ratio', min: 0.3 },
        note: `rewrites the whole document each time; kvPut of the same document: ${fmtRate(kvPut)}/s`,
      },
    ];
  } finally {
    await db.close();
    await raw.close();
  }
}
