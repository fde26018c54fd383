import { describe, expect, it } from 'vitest';
import { linesOf, runCli } from './helpers/run-cli.js';
import { ServeProcess } from './helpers/serve-process.js';
import { tempDir } from './helpers/temp.js';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server on a fresh disk database. */
async function fresh(...globalArgs: string[]): Promise<{ server: ServeProcess; dir: string }> {
  const dir = await tempDir();
  return { server: ServeProcess.start(['--db', dir, ...globalArgs]), dir };
}

describe('stratum serve: framing', () => {
  it('reassembles a request written in pieces, cut inside multi-byte UTF-8 characters', async () => {
    const { server } = await fresh();
    const key = 'clé-日本-🙂';
    const value = 'välue ✓ 🙂 end';
    const bytes = Buffer.from(`${JSON.stringify({ id: 1, type: 'KvPut', key, value })}\n`);
    // Cut one byte into 'é' (2 bytes), into '日' (3 bytes) and two bytes into '🙂' (4 bytes).
    const cuts = [bytes.indexOf(Buffer.from('é')) + 1, bytes.indexOf(Buffer.from('日')) + 1, bytes.indexOf(Buffer.from('🙂')) + 2];
    let from = 0;
    for (const cut of [...cuts, bytes.length]) {
      await server.write(bytes.subarray(from, cut));
      from = cut;
      await sleep(15);
    }
    const get = Buffer.from(`${JSON.stringify({ id: 2, type: 'KvGet', key })}\n`);
    for (let i = 0; i < get.length; i += 7) {
      await server.write(get.subarray(i, Math.min(i + 7, get.length)));
      await sleep(2);
    }
    const [put, read] = await server.next(2);
    expect(put).toEqual({ id: 1, ok: true, output: { type: 'Version', value: 1 } });
    expect(read).toEqual({ id: 2, ok: true, output: { type: 'MaybeVersioned', value: { value, version: 1, timestamp: expect.any(Number) } } });
    expect(await server.ask({ type: 'KvList' })).toEqual({ ok: true, output: { type: 'Keys', value: [key] } });
    expect(await server.close()).toBe(0);
  });

  it('answers many requests written in one chunk, one line each, in order', async () => {
    const { server } = await fresh();
    const requests = Array.from({ length: 600 }, (_, i) =>
      i % 2 === 0 ? { id: i, type: 'KvPut', key: `k${i}`, value: i } : { id: i, type: 'KvGet', key: `k${i - 1}` },
    );
    await server.write(requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const responses = await server.next(600);
    responses.forEach((r, i) => {
      expect(r.id).toBe(i);
      if (i % 2 === 0) expect(r.output).toEqual({ type: 'Version', value: i / 2 + 1 });
      else expect(r.output.value).toMatchObject({ value: i - 1, version: (i - 1) / 2 + 1 });
    });
    expect(await server.close()).toBe(0);
    expect(server.lines).toHaveLength(600);
  });

  it('accepts CRLF line ends, also when CR and LF arrive in different writes', async () => {
    const { server } = await fresh();
    await server.write('{"id":1,"type":"KvPut","key":"k","value":"v"}\r\n{"id":2,"type":"KvGet","key":"k"}\r\n');
    await server.write('{"id":3,"type":"KvList"}\r');
    await sleep(15);
    await server.write('\n"x"\r\nnot json\r\n');
    const [put, get, list, notObject, bad] = await server.next(5);
    expect(put).toEqual({ id: 1, ok: true, output: { type: 'Version', value: 1 } });
    expect(get.output.value.value).toBe('v');
    expect(list).toEqual({ id: 3, ok: true, output: { type: 'Keys', value: ['k'] } });
    expect(notObject.error).toMatchObject({ code: 'InvalidCommand', details: { path: '' } });
    expect(bad.error.code).toBe('ParseError');
    expect(await server.close()).toBe(0);
    expect(server.lines).toHaveLength(5);
  });

  it('ignores blank and whitespace-only lines: no response for them', async () => {
    const { server } = await fresh();
    await server.write('\n   \n{"id":1,"type":"Ping"}\n\t\n \t \r\n\r\n\n{"id":2,"type":"Ping"}\n');
    await sleep(15);
    await server.write('\n');
    await server.write('   ');
    await server.write('\r\n{"id":3,"type":"Ping"}\n  ');
    expect(await server.close()).toBe(0);
    expect(server.lines.map((l) => JSON.parse(l).id)).toEqual([1, 2, 3]);
  });

  it('answers each malformed line with exactly one error and keeps serving', async () => {
    const { server } = await fresh();
    await server.write(
      [
        '{"id":1,"type":"KvPut","key":"a","value":1}',
        '{"type":"KvPut"',
        '{"id":2,"type":"KvGet","key":"a"}',
        '42',
        '{"id":3,"type":"Nope"}',
        '[1,',
        '{"id":4,"type":"KvList"}',
      ].join('\n') + '\n',
    );
    const r = await server.next(7);
    expect(r[0]).toEqual({ id: 1, ok: true, output: { type: 'Version', value: 1 } });
    expect(r[1]).toMatchObject({ ok: false, error: { code: 'ParseError' } });
    expect(r[2]).toMatchObject({ id: 2, ok: true, output: { type: 'MaybeVersioned', value: { value: 1 } } });
    expect(r[3]).toMatchObject({ ok: false, error: { code: 'InvalidCommand', details: { path: '' } } });
    expect(r[4]).toMatchObject({ id: 3, ok: false, error: { code: 'InvalidCommand', details: { path: '/type' } } });
    expect(r[5]).toMatchObject({ ok: false, error: { code: 'ParseError' } });
    expect(r[6]).toEqual({ id: 4, ok: true, output: { type: 'Keys', value: ['a'] } });
    expect(await server.close()).toBe(0);
    expect(server.lines).toHaveLength(7);
  });
});

describe('stratum serve: size limits', () => {
  it('answers a line over 64 MiB with one ConstraintViolation, skips it, and serves the next line', async () => {
    const { server } = await fresh();
    await server.send({ id: 'before', type: 'Ping' });
    await server.write('{"id":"huge","type":"KvPut","key":"huge","value":"');
    const chunk = Buffer.alloc(MiB, 'a');
    for (let i = 0; i < 65; i++) await server.write(chunk);
    await server.write('"}\n');
    await server.send({ id: 'after', type: 'KvList' }, { id: 'info', type: 'Info' });
    const [before, huge, after, info] = await server.next(4);
    expect(before).toMatchObject({ id: 'before', ok: true });
    expect(huge).toMatchObject({ ok: false, error: { code: 'ConstraintViolation' } });
    expect(after).toEqual({ id: 'after', ok: true, output: { type: 'Keys', value: [] } });
    expect(info.output.value.totalKeys).toBe(0);
    expect(await server.close()).toBe(0);
    expect(server.lines).toHaveLength(4);
  });

  it('refuses a string value over 16 MiB (in bytes) and stores nothing; 16 MiB exactly is accepted', async () => {
    const { server } = await fresh();
    await server.send({ id: 1, type: 'KvPut', key: 'big', value: 'x'.repeat(16 * MiB + 1) });
    await server.send({ id: 2, type: 'KvPut', key: 'wide', value: 'é'.repeat(8 * MiB + 1) });
    await server.send({ id: 3, type: 'KvPut', key: 'blob', value: { $bytes: Buffer.alloc(16 * MiB + 1).toString('base64') } });
    await server.send({
      id: 4,
      type: 'KvBatchPut',
      entries: [
        { key: 'big', value: 'y'.repeat(16 * MiB + 1) },
        { key: 'small', value: 's' },
      ],
    });
    await server.send({ id: 5, type: 'KvPut', key: 'max', value: 'z'.repeat(16 * MiB) });
    const [big, wide, blob, batch, max] = await server.next(5);
    for (const [r, id] of [[big, 1], [wide, 2], [blob, 3]] as const) {
      expect(r).toMatchObject({ id, ok: false, error: { code: 'ConstraintViolation' } });
    }
    expect(batch).toEqual({
      id: 4,
      ok: true,
      output: { type: 'BatchResults', value: [{ error: { code: 'ConstraintViolation', message: expect.any(String) } }, { version: 1 }] },
    });
    expect(max).toEqual({ id: 5, ok: true, output: { type: 'Version', value: 2 } });
    expect(await server.ask({ type: 'KvList' })).toEqual({ ok: true, output: { type: 'Keys', value: ['max', 'small'] } });
    expect((await server.ask({ type: 'KvGet', key: 'big' })).output.value).toBeNull();
    expect((await server.ask({ type: 'KvGetv', key: 'wide' })).output.value).toBeNull();
    expect((await server.ask({ type: 'KvGet', key: 'max' })).output.value.value).toHaveLength(16 * MiB);
    expect(await server.close()).toBe(0);
  });
});

describe('stratum serve: ordering', () => {
  it('answers in request order under pipelining: every get sees the put before it', async () => {
    const { server } = await fresh();
    type Step = { request: Record<string, unknown>; check: (r: any) => void };
    const steps: Step[] = [];
    const last = new Map<string, { value: number; version: number }>();
    let version = 0;
    for (let i = 0; steps.length < 5000; i++) {
      const key = `k${i % 37}`;
      const v = ++version;
      last.set(key, { value: i, version: v });
      steps.push({ request: { type: 'KvPut', key, value: i }, check: (r) => expect(r.output).toEqual({ type: 'Version', value: v }) });
      steps.push({ request: { type: 'KvGet', key }, check: (r) => expect(r.output.value).toMatchObject({ value: i, version: v }) });
      steps.push({ request: { type: 'KvList', prefix: key }, check: (r) => expect(r.output.value).toContain(key) });
      if (i % 50 === 7) {
        steps.push({
          request: { type: 'KvGet', key, asOf: Number.MAX_SAFE_INTEGER },
          check: (r) => expect(r.output.value).toMatchObject({ value: i, version: v }),
        });
      }
      if (i % 100 === 13) {
        const d = ++version;
        last.delete(key);
        steps.push({ request: { type: 'KvDelete', key }, check: (r) => expect(r.output).toEqual({ type: 'Bool', value: true }) });
        steps.push({ request: { type: 'KvGet', key }, check: (r) => expect(r.output.value).toBeNull() });
        steps.push({ request: { type: 'KvGetv', key }, check: (r) => expect(r.output.value[0]).toMatchObject({ version: d, deleted: true }) });
      }
    }
    const text = steps.map((s, i) => `${JSON.stringify({ id: i, ...s.request })}\n`).join('');
    // Several writes, none waiting for answers.
    const third = Math.floor(text.length / 3);
    await server.write(text.slice(0, third));
    await server.write(text.slice(third, 2 * third));
    await server.write(text.slice(2 * third));
    const responses = await server.next(steps.length);
    responses.forEach((r, i) => {
      expect(r.id).toBe(i);
      expect(r.ok).toBe(true);
      steps[i]?.check(r);
    });
    const list = await server.ask({ type: 'KvList' });
    expect(list.output.value).toEqual([...last.keys()].sort());
    expect(await server.close()).toBe(0);
  });

  it('delivers every answer before exiting with code 0 when stdin closes at once', async () => {
    const { server } = await fresh();
    await server.write(Array.from({ length: 300 }, (_, i) => `{"id":${i},"type":"KvPut","key":"k${i}","value":${i}}\n`).join(''));
    expect(await server.close()).toBe(0);
    expect(server.lines.map((l) => JSON.parse(l).id)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('exits with code 0 and prints nothing when stdin closes before any request', async () => {
    const { server } = await fresh();
    expect(await server.close()).toBe(0);
    expect(server.lines).toEqual([]);
  });
});

describe('stratum serve: failed commands change nothing', () => {
  it('leaves keys, histories, spaces and versions as they were after every kind of failure', async () => {
    const { server } = await fresh();
    await server.send(
      { type: 'SpaceCreate', space: 'empty' },
      { type: 'KvPut', key: 'a', value: 1 },
      { type: 'KvPut', space: 's1', key: 'x', value: 'x' },
      { type: 'KvPut', key: 'a', value: 2 },
    );
    const setup = await server.next(4);
    expect(setup.every((r) => r.ok)).toBe(true);
    const lastVersion = setup[3].output.value as number;
    const snapshot = async () => {
      const reads = [
        { type: 'SpaceList' },
        { type: 'KvList' },
        { type: 'KvList', space: 's1' },
        { type: 'KvList', space: 'empty' },
        { type: 'KvGetv', key: 'a' },
        { type: 'KvGetv', space: 's1', key: 'x' },
        { type: 'SpaceInfo', space: 'empty' },
      ];
      const answers = [];
      for (const read of reads) answers.push(await server.ask(read));
      const { uptimeSecs: _, ...figures } = (await server.ask({ type: 'Info' })).output.value;
      return { answers, figures };
    };
    const before = await snapshot();
    const failing: string[] = [
      ...[
        { type: 'KvPut', key: '', value: 1 },
        { type: 'KvPut', key: 'k'.repeat(1025), value: 1 },
        { type: 'KvPut', key: '_strata/a', value: 1 },
        { type: 'KvPut', key: 'a', value: 1, space: 'Bad' },
        { type: 'KvPut', key: 'a', value: 1, branch: 'nope' },
        { type: 'KvPut', key: 'a', value: { $bytes: '***' } },
        { type: 'KvPut', key: 'a', value: { $f64: 'nan' } },
        { type: 'KvPut', key: 'a', value: 1, extra: true },
        { type: 'KvPut', key: 'a' },
        { type: 'KvBatchPut', entries: [{ key: 'b', value: 1 }, { key: 5, value: 1 }] },
        { type: 'KvBatchPut', branch: 'nope', entries: [{ key: 'b', value: 1 }] },
        { type: 'KvDelete', key: '' },
        { type: 'KvDelete', key: 'a', branch: 'nope' },
        { type: 'KvDelete', key: 'a', space: 'Bad' },
        { type: 'SpaceCreate', space: 'Bad' },
        { type: 'SpaceCreate', space: 'new', branch: 'nope' },
        { type: 'SpaceDelete', space: 's1' },
        { type: 'SpaceDelete', space: 'default', force: true },
        { type: 'SpaceDelete', space: 'Bad', force: true },
        { type: 'SpaceDelete', space: 'empty', branch: 'nope' },
        { type: 'JsonSet', key: 'doc', path: 'a..b', value: 1 },
        { type: 'BranchCreate', branch: '' },
        { type: 'BranchCreate', branch: 'default' },
        { type: 'BranchDelete', branch: 'default' },
        { type: 'BranchFork', source: 'nope', destination: 'x' },
        { type: 'BranchMerge', source: 'nope', strategy: 'strict' },
        { type: 'BranchImport', path: '/nonexistent/bundle' },
        { type: 'TxnCommit' },
        { type: 'NoSuchThing' },
      ].map((r) => JSON.stringify(r)),
      `{"type":"KvPut","key":"a","value":9223372036854775808}`,
      `{"type":"KvPut","key":"a","value":${'['.repeat(129)}1${']'.repeat(129)}}`,
      `{"type":"KvPut","key":"a","value":1`,
      `{"type":"KvPut","key":"a","value":{"__proto__":1}}`,
      `"KvPut"`,
      `[{"type":"KvPut","key":"","value":1},{"type":"SpaceDelete","space":"default"}]`,
    ];
    await server.write(failing.map((l) => `${l}\n`).join(''));
    const responses = await server.next(failing.length);
    responses.forEach((r, i) => {
      const all = Array.isArray(r) ? r : [r];
      for (const one of all) expect(one.ok, `request ${failing[i]}`).toBe(false);
    });
    expect(await snapshot()).toEqual(before);
    // No version was used either: the next write takes the next one.
    expect(await server.ask({ type: 'KvPut', key: 'next', value: 0 })).toEqual({ ok: true, output: { type: 'Version', value: lastVersion + 1 } });
    expect(await server.close()).toBe(0);
  });
});

describe('stratum serve: session options', () => {
  it('--read-only refuses writes with AccessDenied naming the command, while reads work', async () => {
    const dir = await tempDir();
    const writer = ServeProcess.start(['--db', dir]);
    await writer.send({ type: 'KvPut', key: 'k', value: 'v' }, { type: 'KvPut', space: 's1', key: 'x', value: 1 });
    await writer.next(2);
    expect(await writer.close()).toBe(0);

    const reader = ServeProcess.start(['--db', dir, '--read-only']);
    const writes = [
      { type: 'KvPut', key: 'k', value: 'changed' },
      { type: 'KvPut', key: '', value: 1 },
      { type: 'KvBatchPut', entries: [{ key: 'b', value: 1 }] },
      { type: 'KvDelete', key: 'k' },
      { type: 'SpaceCreate', space: 'new' },
      { type: 'SpaceDelete', space: 's1', force: true },
    ];
    await reader.send(...writes);
    const refused = await reader.next(writes.length);
    refused.forEach((r, i) => {
      expect(r).toMatchObject({ ok: false, error: { code: 'AccessDenied', details: { command: writes[i]?.type } } });
    });
    expect((await reader.ask({ type: 'KvGet', key: 'k' })).output.value).toMatchObject({ value: 'v', version: 1 });
    expect(await reader.ask({ type: 'KvList' })).toEqual({ ok: true, output: { type: 'Keys', value: ['k'] } });
    expect(await reader.ask({ type: 'KvGetv', key: 'k' })).toMatchObject({ ok: true, output: { value: [{ value: 'v', version: 1 }] } });
    expect(await reader.ask({ type: 'SpaceList' })).toEqual({ ok: true, output: { type: 'SpaceList', value: ['default', 's1'] } });
    expect(await reader.ask({ type: 'SpaceExists', space: 's1' })).toEqual({ ok: true, output: { type: 'Bool', value: true } });
    expect((await reader.ask({ type: 'SpaceInfo', space: 's1' })).output.counts.kv).toBe(1);
    expect((await reader.ask({ type: 'Ping' })).ok).toBe(true);
    expect((await reader.ask({ type: 'Info' })).output.value).toMatchObject({ totalKeys: 2, spaceCount: 2 });
    expect(await reader.close()).toBe(0);

    // A read-only --space only switches: it registers nothing and writes stay refused.
    const switched = ServeProcess.start(['--db', dir, '--read-only', '--space', 'elsewhere']);
    expect(await switched.ask({ type: 'KvList' })).toEqual({ ok: true, output: { type: 'Keys', value: [] } });
    expect(await switched.ask({ type: 'SpaceList' })).toEqual({ ok: true, output: { type: 'SpaceList', value: ['default', 's1'] } });
    expect((await switched.ask({ type: 'KvPut', key: 'k', value: 1 })).error).toMatchObject({ code: 'AccessDenied' });
    expect(await switched.close()).toBe(0);

    const after = ServeProcess.start(['--db', dir]);
    expect(await after.ask({ type: 'KvGetv', key: 'k' })).toMatchObject({ output: { value: [{ value: 'v', version: 1 }] } });
    expect((await after.ask({ type: 'KvPut', key: 'n', value: 1 })).output).toEqual({ type: 'Version', value: 3 });
    expect(await after.close()).toBe(0);
  });

  it('--space makes commands without a space act there, and registers it at once', async () => {
    const dir = await tempDir();
    const server = ServeProcess.start(['--db', dir, '--space', 'work']);
    expect(await server.ask({ type: 'SpaceList' })).toEqual({ ok: true, output: { type: 'SpaceList', value: ['default', 'work'] } });
    expect(await server.ask({ type: 'KvPut', key: 'task', value: 1 })).toMatchObject({ ok: true, output: { type: 'Version' } });
    expect((await server.ask({ type: 'KvGet', key: 'task' })).output.value).toMatchObject({ value: 1 });
    expect(await server.ask({ type: 'KvList', space: 'work' })).toEqual({ ok: true, output: { type: 'Keys', value: ['task'] } });
    expect(await server.ask({ type: 'KvList', space: 'default' })).toEqual({ ok: true, output: { type: 'Keys', value: [] } });
    expect((await server.ask({ type: 'KvPut', space: 'default', key: 'root', value: 2 })).ok).toBe(true);
    expect(await server.ask({ type: 'KvList' })).toEqual({ ok: true, output: { type: 'Keys', value: ['task'] } });
    expect((await server.ask({ type: 'SpaceInfo', space: 'work' })).output).toMatchObject({ name: 'work', counts: { kv: 1 } });
    expect(await server.close()).toBe(0);

    const plain = ServeProcess.start(['--db', dir]);
    expect(await plain.ask({ type: 'KvList' })).toEqual({ ok: true, output: { type: 'Keys', value: ['root'] } });
    expect(await plain.ask({ type: 'KvList', space: 'work' })).toEqual({ ok: true, output: { type: 'Keys', value: ['task'] } });
    expect(await plain.close()).toBe(0);

    // Registered even when the session writes nothing.
    const idle = ServeProcess.start(['--db', dir, '--space', 'idle']);
    expect(await idle.close()).toBe(0);
    const check = ServeProcess.start(['--db', dir]);
    expect(await check.ask({ type: 'SpaceExists', space: 'idle' })).toEqual({ ok: true, output: { type: 'Bool', value: true } });
    expect(await check.close()).toBe(0);
  });

  it.each([
    ['an invalid --space', ['--space', 'Bad']],
    ['an empty --space', ['--space', '']],
    ['a reserved --space', ['--space', '_system_x']],
    ['a too long --space', ['--space', 'a'.repeat(65)]],
    ['a missing --branch', ['--branch', 'nope']],
  ])('exits with code 2 and prints nothing on stdout for %s', async (_what, args) => {
    const dir = await tempDir();
    const result = await runCli(['--db', dir, ...args, 'serve'], '{"type":"Ping"}\n');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(linesOf(result.stderr).length).toBeGreaterThan(0);
  });
});
