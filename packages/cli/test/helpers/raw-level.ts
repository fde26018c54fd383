import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The storage package, where classic-level resolves. */
const STORAGE = fileURLToPath(new URL('../../../storage/', import.meta.url));

/**
 * Runs `body` (an async function body with `db`, an open classic-level database on `dir`, and
 * `key(text)`, the bytes of a string with `\0` separators) in a child process, to damage a
 * database below every layer of Stratum.
 */
export async function rawLevel(dir: string, body: string): Promise<void> {
  const script = `
    import { ClassicLevel } from 'classic-level';
    const db = new ClassicLevel(process.argv[1], { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    const key = (text) => Buffer.from(text, 'latin1');
    ${body}
    await db.close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { cwd: STORAGE, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`raw write failed (${code}): ${stderr}`);
}
