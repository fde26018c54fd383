import { SMOKE, VALUE, keys, log, median, tempDir, type Row } from './harness.js';
import { CLI, ECHO, PipedChild, chunks } from './piped.js';

const SIZES = SMOKE ? { ops: 200, warmup: 200, rounds: 1 } : { ops: 100_000, warmup: 50_000, rounds: 3 };
const VALUE_JSON = JSON.stringify(VALUE);

function putLines(tag: string, n: number): string[] {
  return keys(tag, n).map((k) => `{"type":"KvPut","key":"${k}","value":${VALUE_JSON}}`);
}

/**
 * `stratum serve` answering pipelined KvPut requests, against an echo child spawned the same way.
 * Each child first answers one request, so process start and database open stay off the clock.
 */
export async function serveBench(): Promise<Row[]> {
  const serve = new PipedChild([CLI, '--db', await tempDir('serve'), 'serve']);
  const echo = new PipedChild([ECHO]);
  try {
    const sides = [
      { name: 'serve', child: serve, rounds: [] as number[] },
      { name: 'echo', child: echo, rounds: [] as number[] },
    ];
    for (const side of sides) {
      await side.child.exchange(chunks(['{"type":"KvGet","key":"ping"}']), 1);
      await side.child.exchange(chunks(putLines(`${side.name}-warm`, SIZES.warmup)), SIZES.warmup);
    }
    for (let r = 0; r < SIZES.rounds; r++) {
      for (const side of sides) {
        const payload = chunks(putLines(`${side.name}-${r}`, SIZES.ops));
        side.rounds.push(SIZES.ops / (await side.child.exchange(payload, SIZES.ops)));
      }
    }
    log(`serve pipelined: ${sides.map((s) => `${s.name} ${s.rounds.map((x) => `${Math.round(x / 1000)}k`).join(' ')}`).join(' | ')}`);
    const [stratum, raw] = sides.map((s) => median(s.rounds)) as [number, number];
    const rows: Row[] = [
      {
        name: `serve, ${SIZES.ops.toLocaleString('en-US')} KvPut pipelined over stdio`,
        stratum,
        raw,
        rawLabel: 'echo child, pipelined',
        target: { kind: 'rate', min: 100_000 },
      },
    ];
    await closeAll(serve, echo);
    return rows;
  } catch (e) {
    // The first failure is the one worth reading; a child that died also fails to close.
    await Promise.allSettled([serve.close(), echo.close()]);
    throw e;
  }
}

async function closeAll(...children: PipedChild[]): Promise<void> {
  const results = await Promise.allSettled(children.map((c) => c.close()));
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
