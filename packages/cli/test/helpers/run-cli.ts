import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The command-line entry point (it runs the built `dist`). */
export const CLI = fileURLToPath(new URL('../../bin/stratum.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `stratum <args>` to completion, feeding `input` (if any) on stdin. */
export function runCli(args: readonly string[], input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** The non-empty lines of a command's output. */
export const linesOf = (text: string): string[] => text.split('\n').filter((l) => l !== '');
