/**
 * Runs every script of `scripts/` through a real `stratum serve` process over real pipes, each
 * script in its own fresh disk database, one test per step (named by its line). The script format
 * is described in README.md beside this file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExact, writeJson } from './lib/json.js';
import { checkResponse, expandTmp, expandTmpIn, substitute, type Vars } from './lib/match.js';
import { label, loadScripts, requestsOf } from './lib/script.js';
import { Server } from './lib/server.js';

const scripts = loadScripts(join(import.meta.dirname, 'scripts'));

describe.each(scripts)('$name', ({ name, steps }) => {
  let dir = '';
  /** The script's own directory for files it names as `$TMP/...` (bundles), apart from the database. */
  let tmp = '';
  let server: Server | undefined;
  const vars: Vars = new Map();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stratum-conformance-'));
    tmp = await mkdtemp(join(tmpdir(), 'stratum-conformance-tmp-'));
    server = Server.start(dir);
  });

  afterAll(async () => {
    server?.kill();
    await rm(dir, { recursive: true, force: true });
    await rm(tmp, { recursive: true, force: true });
  });

  /**
   * Closes the running server (it must exit with code 0 and print nothing unasked) and, for a
   * restart, starts the next one first so that later steps run even when this check fails.
   */
  const stop = async (where: string, restart: boolean) => {
    const s = server;
    server = undefined;
    if (s === undefined) throw new Error('no server is running');
    const { code, unread } = await s.close();
    if (restart) server = Server.start(dir);
    expect(unread, `${where}: output nobody asked for`).toEqual([]);
    expect(code, `${where}: exit code after stdin closed (stderr: ${s.stderr})`).toBe(0);
  };

  for (const step of steps) {
    const where = `${name}:${step.line}`;
    if (step.kind === 'invalid') {
      it(`line ${step.line}: malformed step`, () => {
        throw new Error(`${where}: ${step.problem}`);
      });
    } else if (step.kind === 'restart') {
      it(`line ${step.line}: restart`, async () => {
        await stop(where, true);
      });
    } else {
      it(`line ${step.line}: ${label(step)}`, async () => {
        if (server === undefined) throw new Error('no server is running (an earlier restart failed)');
        const text = 'raw' in step.cmd ? step.cmd.raw : writeJson(substitute(expandTmp(step.cmd.tree, tmp), vars));
        const reply = await server.request(text);
        const actual = parseExact(reply);
        const requests = requestsOf(step);
        if ('batch' in step.expect) {
          expect(Array.isArray(actual), `${where}: a batch is answered with an array (got ${reply})`).toBe(true);
          const items = actual as unknown[];
          expect(items.length, `${where}: one response per request`).toBe(step.expect.batch.length);
          step.expect.batch.forEach((e, i) => {
            checkResponse(expandTmpIn(e, tmp), requests[i]?.request ?? null, items[i] as never, vars, `${where} item ${i}`);
          });
        } else {
          checkResponse(expandTmpIn(step.expect, tmp), requests[0]?.request ?? null, actual, vars, where);
        }
      });
    }
  }

  it('end: the server exits with code 0 when stdin closes', async () => {
    await stop(`${name}:end`, false);
  });
});
