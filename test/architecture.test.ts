import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ORDER = ['core', 'storage', 'durability', 'engine', 'executor', 'cli'];
const root = join(import.meta.dirname, '..');

const manifest = (pkg: string) =>
  JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };

function sourceImports(pkg: string): string[] {
  const dir = join(root, 'packages', pkg, 'src');
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/from '(@stratum\/[a-z]+)'/g)) found.push(m[1] as string);
    }
  };
  walk(dir);
  return found;
}

describe('package layering: core ← storage ← durability ← engine ← executor ← cli', () => {
  it('has exactly the six packages', () => {
    expect(readdirSync(join(root, 'packages')).sort()).toEqual([...ORDER].sort());
  });

  it.each(ORDER)('%s depends only on packages before it', (pkg) => {
    const allowed = ORDER.slice(0, ORDER.indexOf(pkg)).map((p) => `@stratum/${p}`);
    const declared = Object.keys(manifest(pkg).dependencies ?? {}).filter((d) => d.startsWith('@stratum/'));
    expect(declared.filter((d) => !allowed.includes(d))).toEqual([]);
    const imported = [...new Set(sourceImports(pkg))];
    expect(imported.filter((d) => !declared.includes(d))).toEqual([]);
  });

  it('keeps the root manifest free of workspace packages', () => {
    const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const deps = { ...rootManifest['dependencies'], ...rootManifest['devDependencies'] };
    expect(Object.keys(deps).filter((d) => d.startsWith('@stratum/'))).toEqual([]);
  });
});
