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
}

function fromProc(file: string, pattern: RegExp): string | undefined {
  try {
    return pattern.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

export async function describeMachine(databaseUrl: string): Promise<Machine> {
  const memKiB = Number(fromProc('/proc/meminfo', /^MemTotal:\s+(\d+)/m) ?? os.totalmem() / 1024);
  const postgres = await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  });
  return {
    cpu: fromProc('/proc/cpuinfo', /^model name\s*:\s*(.+)$/m) ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((memKiB / 1024 / 1024) * 10) / 10,
    kernel: os.release(),
    node: process.version,
    postgres,
  };
}
