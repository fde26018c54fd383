import { stringifyJson, toStratumError } from '@stratum/core';
import { checkDirectory, type DirectoryCheck } from '@stratum/executor';

/**
 * `stratum check DIR`: verifies a database offline and changes nothing (see `checkDirectory`).
 * Prints a readable report, or one JSON object with `--json`. Resolves to the exit code: 0 clean,
 * 1 problems found, 2 the database cannot be checked (missing, held by another process, not
 * openable); the reason then goes to stderr (and, with `--json`, an error object to stdout).
 */
export async function checkCommand(dir: string, options: { json: boolean }): Promise<number> {
  let report: DirectoryCheck;
  try {
    report = await checkDirectory(dir);
  } catch (e) {
    const error = toStratumError(e);
    if (options.json) process.stdout.write(stringifyJson({ ok: false, error: error.toWire() }) + '\n');
    process.stderr.write(`stratum: ${error.message}\n`);
    return 2;
  }
  process.stdout.write(options.json ? JSON.stringify(report) + '\n' : render(report));
  return report.ok ? 0 : 1;
}

function render(r: DirectoryCheck): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `${r.path}: ${n(r.counts.keys)} keys, ${n(r.counts.versions)} versions, ${n(r.counts.branches)} branches, ` +
      `${n(r.counts.spaces)} namespaces, ${size(r.diskSize)} on disk` +
      (r.clock === null ? '' : `; clock lease at version ${n(r.clock.version)}`),
  ];
  if (r.ok) lines.push('No problems found.');
  else {
    lines.push(`${n(r.problemCount)} problem${r.problemCount === 1 ? '' : 's'} found:`);
    for (const p of r.problems) lines.push(`  ${p.kind}: ${p.where === undefined ? '' : `${p.where}: `}${p.message}`);
    if (r.problemCount > r.problems.length) lines.push(`  … and ${n(r.problemCount - r.problems.length)} more`);
  }
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines.join('\n') + '\n';
}

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
