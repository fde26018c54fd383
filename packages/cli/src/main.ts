import { rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJson, stringifyJson, toStratumError } from '@stratum/core';
import { CommandLogWriter } from '@stratum/durability';
import { generateSchemas, type Output, type Stratum } from '@stratum/executor';
import { Command as Program, CommanderError } from 'commander';
import { checkCommand } from './check.js';
import { addHumanCommands } from './human/index.js';
import { openFromOptions, UsageError, type GlobalOptions } from './open.js';
import { replay } from './replay.js';
import { serve } from './serve.js';

/** Runs the `stratum` command line; resolves to the exit code (0 ok, 1 command error, 2 usage). */
export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = new Program('stratum')
    .description('Stratum: an embedded database for AI agents, driven by typed JSON commands.')
    .option('--db <dir>', 'database directory', './.stratum')
    .option('--cache', 'use an in-memory database (nothing is written to disk)')
    .option('--read-only', 'refuse every write command')
    .option('--branch <name>', 'default branch of the session (must exist)')
    .option('--space <name>', 'default space of the session (created when missing)')
    .option('--durability <mode>', 'standard | always | cache')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const globals = (cmd: Program): GlobalOptions => cmd.optsWithGlobals() as GlobalOptions;

  const withDb = async (
    cmd: Program,
    fn: (db: Stratum) => Promise<number>,
    extra?: Parameters<typeof openFromOptions>[1],
    override: Partial<GlobalOptions> = {},
  ) => {
    const db = await openFromOptions({ ...globals(cmd), ...override }, extra);
    try {
      code = await fn(db);
    } finally {
      await db.close();
    }
  };

  program.command('serve').description('Answer newline-delimited JSON requests on stdin, one response line each, in order.')
    .option('--log <file>', 'record every request and response to this command log')
    .action(async (o: { log?: string }, cmd: Program) => {
      await withDb(cmd, async (db) => {
        const log = o.log === undefined ? undefined : await CommandLogWriter.open(o.log);
        if (log?.tornTail) process.stderr.write(`stratum: command log ${o.log} ended in a torn line (an earlier run was cut short); appending after it\n`);
        try {
          // A recorded session registers its --space as its first logged command, so replay recreates it exactly.
          const space = globals(cmd).space;
          const preamble = log !== undefined && space !== undefined && !db.readOnly ? [JSON.stringify({ type: 'SpaceCreate', space })] : [];
          await serve({ input: process.stdin, output: process.stdout, session: db.session(), log, preamble });
        } finally {
          await log?.close();
        }
        return 0;
      }, o.log === undefined ? {} : { ids: 'seeded-by-first-command', registerSpace: false });
    });

  program.command('exec <json>').description('Run one command (or a JSON array of commands) and print its response.')
    .action(async (json: string, _o: unknown, cmd: Program) => {
      await withDb(cmd, async (db) => {
        let request: unknown;
        try {
          request = parseJson(json);
        } catch (e) {
          process.stdout.write(stringifyJson({ ok: false, error: (e as { toWire(): unknown }).toWire() }) + '\n');
          return 1;
        }
        const session = db.session();
        const responses = Array.isArray(request)
          ? await sequential(request.map((r) => () => session.respond(r)))
          : [await session.respond(request)];
        process.stdout.write(stringifyJson(Array.isArray(request) ? responses : responses[0]) + '\n');
        return responses.every((r) => r.ok) ? 0 : 1;
      });
    });

  program.command('replay <file>').description('Re-execute a command log against a fresh (or --db) database.')
    .option('--verify', 'stop at the first response that differs from the recorded one, printing both')
    .action(async (file: string, o: { verify?: boolean }, cmd: Program) => {
      const g = globals(cmd);
      const fresh = cmd.parent?.getOptionValueSource('db') === 'default' && g.cache !== true;
      const dir = fresh ? await mkdtemp(join(tmpdir(), 'stratum-replay-')) : g.db;
      try {
        await withDb(cmd, async (db) => {
          const tty = process.stderr.isTTY === true;
          const result = await replay(file, {
            session: db.session(),
            verify: o.verify === true,
            ...(tty ? { onProgress: (n: number) => process.stderr.write(`\rreplayed ${n} commands`) } : {}),
          });
          if (tty) process.stderr.write('\r');
          if (result.torn) process.stderr.write(`line ${result.torn.line}: torn last line skipped\n`);
          if (!result.ok) {
            const m = result.mismatch;
            process.stdout.write(`mismatch at line ${m.line} (seq ${m.seq})\n  recorded: ${m.expected}\n  replayed: ${m.actual}\n`);
            return 1;
          }
          process.stdout.write(`replayed ${result.commands} commands${o.verify ? ', all responses match' : ''}\n`);
          return 0;
        }, { ids: 'seeded-by-first-command', registerSpace: false }, { db: dir });
      } finally {
        if (fresh) await rm(dir, { recursive: true, force: true });
      }
    });

  program.command('check [dir]').description('Verify a database offline without changing it (default: the --db directory); exit 0 clean, 1 problems found, 2 cannot check.')
    .option('--json', 'print the report as one JSON object')
    .action(async (dir: string | undefined, o: { json?: boolean }, cmd: Program) => {
      code = await checkCommand(dir ?? globals(cmd).db, { json: o.json === true });
    });

  program.command('schema [name]').description('Print the JSON Schema of every command, of outputs and errors, or one file of them.')
    .action((name?: string) => {
      const files = generateSchemas();
      const key = name === undefined ? 'command.schema.json' : name.endsWith('.json') ? name : `${name}.schema.json`;
      const text = files[key];
      if (text === undefined) throw new UsageError(`unknown schema '${name}' (one of: ${Object.keys(files).join(', ')})`);
      process.stdout.write(text);
    });

  addHumanCommands(program, (cmd, build, render, o) =>
    withDb(cmd, async (db) => {
      let output: Output;
      try {
        output = await db.execute(build());
      } catch (e) {
        const error = toStratumError(e);
        process.stderr.write(o.json ? stringifyJson({ ok: false, error: error.toWire() }) + '\n' : `${error.code}: ${error.message}\n`);
        return 1;
      }
      process.stdout.write((o.json ? stringifyJson(output) : render(output)) + '\n');
      return 0;
    }),
  );

  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      process.stderr.write(`stratum: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`stratum: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

async function sequential<T>(jobs: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const job of jobs) out.push(await job());
  return out;
}

