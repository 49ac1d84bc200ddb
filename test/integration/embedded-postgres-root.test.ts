import { mkdir, mkdtemp, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { packagedBinDir } from '../../src/db/embedded-postgres-access.js';
import { type EmbeddedCluster, embeddedCluster } from '../../src/db/embedded-postgres-cluster.js';
import { freePort } from '../support/postgres.js';

/**
 * Issue 12: as root, in a clone under `mktemp -d` (mode 0700), the embedded PostgreSQL (which runs
 * as user `postgres`) failed with `spawn …/initdb EACCES`. Only root can reproduce it.
 */

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A clone location only root may enter, with the package's binaries seen from inside it. */
async function rootOnlyClone(): Promise<{ closed: string; binDir: string; dataDir: string }> {
  const closed = await mkdtemp(path.join(tmpdir(), 'root-only-'));
  cleanup.push(() => rm(closed, { recursive: true, force: true }));
  expect((await stat(closed)).mode & 0o777).toBe(0o700);
  const modules = path.join(closed, 'clone', 'node_modules');
  await mkdir(modules, { recursive: true });
  await symlink(path.dirname(packagedBinDir()), path.join(modules, 'native'));
  return { closed, binDir: path.join(modules, 'native', 'bin'), dataDir: path.join(closed, 'clone', '.data', 'postgres') };
}

async function started(options: { binDir: string; dataDir: string }): Promise<{ cluster: EmbeddedCluster; url: string }> {
  const port = await freePort();
  const cluster = await embeddedCluster({ ...options, port, user: 'postgres', password: 'root-test' });
  cleanup.push(() => rm(cluster.dataDir.path, { recursive: true, force: true }));
  if (!cluster.isInitialised()) await cluster.initialise();
  await cluster.start();
  cleanup.push(() => cluster.stop());
  return { cluster, url: `postgresql://postgres:root-test@127.0.0.1:${port}/postgres` };
}

async function ask(url: string, sql: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Object.values((await client.query(sql)).rows[0] ?? {})[0] as string;
  } finally {
    await client.end();
  }
}

describe.skipIf(process.getuid?.() !== 0)('embedded PostgreSQL started by root from a directory only root may enter', () => {
  it('runs, as postgres, from binaries and a data directory that user can reach; a restart finds the data again', async () => {
    const clone = await rootOnlyClone();
    const { cluster, url } = await started(clone);
    expect(cluster.dataDir.movedBecause).toBe(`user "postgres" cannot enter ${clone.closed}`);
    expect(await readlink(clone.dataDir)).toBe(cluster.dataDir.path);
    expect(await ask(url, 'SELECT current_setting($$data_directory$$)')).toBe(cluster.dataDir.path);
    expect(await ask(url, 'SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $$postgres$$')).toBe('postgres');
    await ask(url, 'CREATE DATABASE kept');
    await cluster.stop();

    const again = await started(clone);
    expect(again.cluster.dataDir.path).toBe(cluster.dataDir.path);
    expect(await ask(again.url, 'SELECT count(*)::text FROM pg_database WHERE datname = $$kept$$')).toBe('1');
  });

  it('says what is in the way, and touches nothing, when data it cannot reach is already there', async () => {
    const clone = await rootOnlyClone();
    await mkdir(clone.dataDir, { recursive: true });
    await writeFile(path.join(clone.dataDir, 'PG_VERSION'), '15\n');
    await expect(embeddedCluster({ ...clone, port: await freePort(), user: 'postgres', password: 'x' })).rejects.toThrow(
      `${clone.dataDir} holds a PostgreSQL data directory, but user "postgres" cannot enter ${clone.closed}`,
    );
    expect((await stat(path.join(clone.dataDir, 'PG_VERSION'))).isFile()).toBe(true);
  });
});
