import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Backups as the Runbook has an operator run them. The README's backup runbook is read by
 * ops/backup/runbook-commands.sh (the same extraction the drill uses): its `docker compose` lines
 * must name what docker-compose.yml and the backup image have, and must not start the database a
 * restore needs stopped. The drill (ops/backup/restore-drill.sh) then runs those lines on this
 * machine. CI installs pgBackRest and has the PostgreSQL 15 binaries, so there it must run; a
 * developer machine without them skips it with the reason.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const drill = join(root, 'ops/backup/restore-drill.sh');
const pgbin = process.env.PGBIN ?? '/usr/lib/postgresql/15/bin';
const tools =
  spawnSync('sh', ['-c', 'command -v pgbackrest'], { encoding: 'utf8' }).status === 0 && existsSync(`${pgbin}/initdb`);
const required = process.env.CI === 'true';

interface Service {
  build?: { context: string; dockerfile?: string };
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  restart?: string;
  healthcheck?: { test: string[] };
  command?: string[];
  volumes?: string[];
}
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };

function service(name: string | undefined): Service {
  const found = name === undefined ? undefined : compose.services[name];
  if (!found) throw new Error(`the runbook names service ${name}, which docker-compose.yml does not have`);
  return found;
}

/** The programs a service's image puts on the PATH from ops/backup (COPY … /usr/local/bin/). */
function installedScripts(name: string): Set<string> {
  const build = service(name).build;
  if (!build) return new Set();
  const context = join(root, build.context);
  const dockerfile = readFileSync(join(context, build.dockerfile ?? 'Dockerfile'), 'utf8');
  const scripts = dockerfile
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((words) => words[0] === 'COPY' && words.at(-1) === '/usr/local/bin/')
    .flatMap((words) => words.slice(1, -1));
  for (const script of scripts) accessSync(join(context, script), constants.X_OK);
  return new Set(scripts);
}

/** The `docker compose` lines of the README's backup runbook, as the drill reads them. */
function runbookLines(): string[] {
  const listed = spawnSync('bash', [join(root, 'ops/backup/runbook-commands.sh'), join(root, 'README.md')], {
    encoding: 'utf8',
  });
  expect(listed.status, listed.stderr).toBe(0);
  return listed.stdout.split('\n').filter((line) => line !== '');
}

/** The runbook's command lines, split into words by bash itself (TARGET as the operator sets it). */
function runbookCommands(): string[][] {
  return runbookLines().map((line) => {
    const words = spawnSync('bash', ['-c', 'eval "set -- $1"; printf "%s\\0" "$@"', 'split', line], {
      encoding: 'utf8',
      env: { ...process.env, TARGET: '2026-11-25 14:03:00+00' },
    });
    return words.stdout.split('\0').slice(0, -1);
  });
}

interface ComposeRun {
  options: Map<string, string | true>;
  service: string | undefined;
  args: string[];
}
function parseRun(words: string[]): ComposeRun {
  const options = new Map<string, string | true>();
  let i = 0;
  for (; i < words.length && words[i]?.startsWith('-'); i++) {
    const option = words[i] as string;
    if (option === '--entrypoint' || option === '-p' || option === '--publish') options.set(option, words[++i] ?? '');
    else options.set(option, true);
  }
  return { options, service: words[i], args: words.slice(i + 1) };
}

describe('backups', () => {
  it("the runbook's compose lines name services and programs the stack has, and restores never start the database", () => {
    const commands = runbookCommands();
    const verbs: string[] = [];
    for (const [docker, composeWord, verb, ...rest] of commands) {
      expect([docker, composeWord]).toEqual(['docker', 'compose']);
      if (verb === 'stop' || verb === 'start' || verb === 'restart') for (const name of rest) service(name);
      else if (verb === 'exec') {
        const [name, program] = rest;
        service(name);
        expect(['pgbackrest', ...installedScripts(name as string)], rest.join(' ')).toContain(program);
      } else if (verb === 'run') {
        const run = parseRun(rest);
        const line = rest.join(' ');
        expect(run.options.get('--rm'), line).toBe(true);
        expect(run.options.get('--no-deps'), `without --no-deps Compose starts the stopped database: ${line}`).toBe(true);
        const entrypoint = run.options.get('--entrypoint');
        expect([...installedScripts(run.service as string)], line).toContain(entrypoint);
        const published = run.options.get('-p');
        if (typeof published === 'string') {
          expect(published.split(':').at(-1), line).toBe(String(service(run.service).environment?.RESTORE_COPY_PORT));
        }
        verbs.push(`run ${entrypoint} ${run.args[0]}`);
        continue;
      } else throw new Error(`the drill does not carry out 'docker compose ${verb}'`);
      verbs.push(`${verb} ${rest.join(' ')}`);
    }
    // Both restores are documented; the in-place one runs between stopping and starting postgres.
    expect(verbs).toContain('run pgbackrest-restore copy');
    const stop = verbs.findIndex((v) => v.startsWith('stop') && v.includes('postgres'));
    const inPlace = verbs.indexOf('run pgbackrest-restore in-place');
    const start = verbs.findIndex((v) => v.startsWith('start') && v.includes('postgres'));
    expect(stop).toBeGreaterThanOrEqual(0);
    expect(inPlace).toBeGreaterThan(stop);
    expect(start).toBeGreaterThan(inPlace);
  });

  it('the backup service restarts unless stopped, runs its loop from the image and reports health from backup-metrics', () => {
    const backup = service('backup');
    expect(backup.restart).toBe('unless-stopped');
    expect([...installedScripts('backup')]).toContain(backup.entrypoint?.[0]);
    expect(backup.healthcheck?.test).toEqual(['CMD', 'backup-metrics', '--check']);
    // The database archives into the stanza the backup service backs up, through the shared volume.
    const stanza = backup.environment?.PGBACKREST_STANZA;
    const postgres = service('postgres');
    expect(postgres.command).toContain(`archive_command=pgbackrest --stanza=${stanza} archive-push %p`);
    const repository = (s: Service) => s.volumes?.find((v) => v.endsWith(':/var/lib/pgbackrest'));
    expect(repository(backup)).toBeDefined();
    expect(repository(backup)).toBe(repository(postgres));
  });

  it.runIf(tools || required)(
    "the drill: the backup loop survives a failed backup, the metrics see archiving fail, and the runbook's restores bring back the rows as they were at the target",
    { timeout: 240_000 },
    () => {
      const run = spawnSync('bash', [drill], { encoding: 'utf8', timeout: 230_000 });
      const output = `${run.stdout}\n${run.stderr}`;
      // Every runbook line was carried out (the drill prints each as "$ line" before running it).
      const carriedOut = runbookLines().map((line) => `$ ${line}`);
      for (const line of [
        'backup loop: a backup failed while the database was down, the loop went on, the next one succeeded',
        'backup loop: a failing stanza-create stopped it with exit 1 and the error',
        'metrics: archive failure reported (backup check: WAL archiving is failing',
        ...carriedOut,
        'restored copy: 5 of 5 written before the target, 0 of 5 written after; archive_mode off',
        'restored in place: 5 of 5 written before the target, 0 of 5 written after',
        'PASSED',
      ]) {
        expect(output, output).toContain(`[restore-drill] ${line}`);
      }
      expect(run.status, output).toBe(0);
    },
  );
});
