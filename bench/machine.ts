import { readFileSync } from 'node:fs';
import os from 'node:os';
import { withClient } from './data-set.js';

/** What the numbers were measured on. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  postgres: string;
  /**
   * The server settings a write run depends on (absent in results written before 2026-12-02).
   * This machine's server runs with autovacuum off (its CI configuration), which is why the
   * benchmark vacuums what a write run leaves behind itself.
   */
  postgresSettings?: Record<string, string>;
}

const SETTINGS = ['autovacuum', 'synchronous_commit', 'fsync', 'shared_buffers', 'max_wal_size', 'wal_compression'];

function fromProc(file: string, pattern: RegExp): string | undefined {
  try {
    return pattern.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

export async function describeMachine(databaseUrl: string): Promise<Machine> {
  const memKiB = Number(fromProc('/proc/meminfo', /^MemTotal:\s+(\d+)/m) ?? os.totalmem() / 1024);
  const { postgres, postgresSettings } = await withClient(databaseUrl, async (client) => {
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const settings = await client.query<{ name: string; value: string }>(
      `SELECT name, CASE WHEN unit = '8kB' THEN pg_size_pretty(setting::bigint * 8192)
                         WHEN unit = 'MB' THEN pg_size_pretty(setting::bigint * 1024 * 1024)
                         ELSE setting END AS value
         FROM pg_settings WHERE name = ANY($1) ORDER BY name`,
      [SETTINGS],
    );
    return {
      postgres: version.rows[0]?.server_version ?? 'unknown',
      postgresSettings: Object.fromEntries(settings.rows.map((row) => [row.name, row.value])),
    };
  });
  return {
    cpu: fromProc('/proc/cpuinfo', /^model name\s*:\s*(.+)$/m) ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((memKiB / 1024 / 1024) * 10) / 10,
    kernel: os.release(),
    node: process.version,
    postgres,
    postgresSettings,
  };
}
