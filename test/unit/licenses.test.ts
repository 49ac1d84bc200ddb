import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * What runs in production is under open-source licenses: no Elastic License 2.0 package among the
 * runtime dependencies (`npm ls --omit=dev`). @apollo/gateway, @apollo/composition and
 * @apollo/query-planner are ELv2 and stay out (composition only as a dev tool); the one ELv2
 * package left is @apollo/federation-internals, which the stack's @apollo/subgraph (MIT) itself
 * depends on — admitted through that path only, never as our own dependency.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const ALLOWED_PATHS = ['@apollo/subgraph > @apollo/federation-internals'];

interface Tree {
  path?: string;
  dependencies?: Record<string, Tree>;
}

function isElastic(license: unknown): boolean {
  const text = typeof license === 'string' ? license : JSON.stringify(license ?? '');
  return /elastic|ELv2|SEE LICENSE IN/i.test(text);
}

/** Every runtime package by its dependency path from the project (`a > b > c`). */
function* runtimePackages(tree: Tree, trail: string[] = []): Generator<{ trail: string; dir: string }> {
  for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
    if (!child.path) continue; // deduped: listed where it was installed
    yield { trail: [...trail, name].join(' > '), dir: child.path };
    yield* runtimePackages(child, [...trail, name]);
  }
}

describe('the runtime dependencies', () => {
  it('hold no Elastic-licensed package, but for @apollo/federation-internals under @apollo/subgraph', () => {
    const tree = JSON.parse(
      execFileSync('npm', ['ls', '--omit=dev', '--all', '--long', '--json'], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      }),
    ) as Tree;
    const elastic = new Set<string>();
    let count = 0;
    for (const { trail, dir } of runtimePackages(tree)) {
      count += 1;
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { license?: unknown };
      if (isElastic(manifest.license)) elastic.add(trail);
    }
    expect(count).toBeGreaterThan(100); // the walk did see the tree
    expect([...elastic].filter((trail) => !ALLOWED_PATHS.includes(trail))).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).dependencies).not.toHaveProperty(
      '@apollo/federation-internals',
    );
  }, 60_000); // npm ls reads the whole tree
});
