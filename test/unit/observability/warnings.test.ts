import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Process warnings as log lines (src/observability/warnings.ts), in a process of their own: the
 * listener replaces Node's printer for the whole process. A negative timer scheduled from a file
 * under node_modules/kafkajs stands for kafkajs#1751; the same timer from any other file, and a
 * warning of another kind, must still reach the log at warn level.
 */

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warnings-'));
  await mkdir(join(dir, 'node_modules', 'kafkajs'), { recursive: true });
  const negativeTimer = 'module.exports = () => setTimeout(() => {}, -Date.now());\n';
  await writeFile(join(dir, 'node_modules', 'kafkajs', 'queue.cjs'), negativeTimer);
  await writeFile(join(dir, 'elsewhere.cjs'), negativeTimer);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Node warns of a negative timer once per process: one process per place the timer comes from. */
async function run(
  level: string,
  timerFrom: 'node_modules/kafkajs/queue.cjs' | 'elsewhere.cjs',
): Promise<{ stdout: string; stderr: string }> {
  const script = `
    import { createRequire } from 'node:module';
    import { createLogger } from './src/observability/logger.ts';
    import { logProcessWarnings } from './src/observability/warnings.ts';
    logProcessWarnings(createLogger(${JSON.stringify(level)}));
    const require = createRequire(${JSON.stringify(`${dir}/`)});
    require(${JSON.stringify(`./${timerFrom}`)})();
    process.emitWarning('something odd', { type: 'OddWarning', code: 'ODD_1' });
    setTimeout(() => {}, 50);`;
  return promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: process.cwd(),
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

function lines(stdout: string): { level: number; msg: string; warning: { name: string; code?: string; message: string } }[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

describe('process warnings', () => {
  it("are log lines, not Node's stderr text; kafkajs's negative timer at debug, every other warning at warn", async () => {
    const logged = [];
    for (const from of ['node_modules/kafkajs/queue.cjs', 'elsewhere.cjs'] as const) {
      const { stdout, stderr } = await run('debug', from);
      expect(stderr).toBe('');
      logged.push(...lines(stdout).map((line) => ({ level: line.level, name: line.warning.name, code: line.warning.code })));
    }
    expect(logged).toEqual([
      { level: 20, name: 'TimeoutNegativeWarning', code: undefined },
      { level: 40, name: 'OddWarning', code: 'ODD_1' },
      { level: 40, name: 'TimeoutNegativeWarning', code: undefined },
      { level: 40, name: 'OddWarning', code: 'ODD_1' },
    ]);
  });

  it('follow LOG_LEVEL: at info, only the warnings that mean something are written', async () => {
    const { stdout, stderr } = await run('info', 'node_modules/kafkajs/queue.cjs');
    expect(stderr).toBe('');
    expect(lines(stdout).map((line) => line.warning.name)).toEqual(['OddWarning']);
  });
});
