import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafkaBroker } from '../tools/kafka/broker.js';

/**
 * A real Kafka broker in the foreground for local development (no Docker):
 *   npx tsx scripts/kafka-broker.ts        # 127.0.0.1:9092, or KAFKA_PORT
 * Data lives in .cache/kafka/dev-data and survives restarts; Ctrl-C or SIGTERM stops it cleanly.
 */

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function portFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${name} must be a TCP port, got "${raw}"`);
  return port;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const broker = await startKafkaBroker({
    port: portFromEnv('KAFKA_PORT') ?? 9092,
    controllerPort: portFromEnv('KAFKA_CONTROLLER_PORT'),
    dataDir: path.join(repoRoot, '.cache', 'kafka', 'dev-data'),
  });
  process.stdout.write(
    `Kafka broker ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n` +
      `  KAFKA_BROKERS=${broker.brokers}\n` +
      `  log:  ${broker.logFile}\n` +
      `  data: ${broker.dataDir}\n` +
      'Ctrl-C to stop.\n',
  );

  // The broker child is unreferenced (so tests can exit); this timer keeps the CLI alive and
  // notices a broker that died on its own.
  const watch = setInterval(() => {
    if (isRunning(broker.pid)) return;
    process.stderr.write(`Kafka broker (pid ${broker.pid}) exited; see ${broker.logFile}\n`);
    process.exit(1);
  }, 1000);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second Ctrl-C means "now": the exit hook SIGKILLs the broker.
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the broker…\n`);
    clearInterval(watch);
    broker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
