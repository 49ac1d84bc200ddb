import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The point-in-time restore drill (ops/backup/restore-drill.sh) on this machine. CI installs
 * pgBackRest and has the PostgreSQL 15 binaries, so there it must run; a developer machine
 * without them skips it with the reason.
 */
const script = fileURLToPath(new URL('../../ops/backup/restore-drill.sh', import.meta.url));
const pgbin = process.env.PGBIN ?? '/usr/lib/postgresql/15/bin';
const tools =
  spawnSync('sh', ['-c', 'command -v pgbackrest'], { encoding: 'utf8' }).status === 0 && existsSync(`${pgbin}/initdb`);
const required = process.env.CI === 'true';

describe('backups', () => {
  it.runIf(tools || required)(
    'restore a base backup plus archived WAL to a point in time: what came before is there, what came after is not',
    { timeout: 180_000 },
    () => {
      const drill = spawnSync('bash', [script], { encoding: 'utf8', timeout: 170_000 });
      const output = `${drill.stdout}\n${drill.stderr}`;
      expect(output, output).toContain('[restore-drill] restored: 5 of 5 written before the target, 0 of 5 written after');
      expect(drill.status, output).toBe(0);
    },
  );
});
