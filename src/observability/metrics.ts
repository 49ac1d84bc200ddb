import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus registry of the service, served on /metrics. Gauges that need I/O (outbox lag,
 * consumer lag) are computed at scrape time through the probes the service registers.
 */
export interface MetricProbes {
  outboxLag?: () => Promise<Record<'event' | 'notification', number>>;
  consumerLag?: () => Promise<number>;
  /** The payment consumer: running or not, and when it last committed an offset. */
  paymentConsumer?: () => { running: boolean; lastProgressAt: Date | null };
  pool?: () => { total: number; idle: number; waiting: number };
  /** The circuit breaker of each service we call: closed, half-open or open. */
  breakers?: () => Map<string, 'closed' | 'half-open' | 'open'>;
}

export interface Metrics {
  registry: Registry;
  setProbes(probes: MetricProbes): void;
  /** One GraphQL request: its duration, labelled by operation name and type. */
  observeRequest(operation: string, type: string, seconds: number): void;
  countError(code: string): void;
  /** One call to another service (retries included): its outcome and duration. */
  observeDependencyCall(service: string, outcome: string, seconds: number): void;
  /** A consumed message dead-lettered, by where it was kept (topic, or the dead_letters table). */
  countDeadLetter(store: 'topic' | 'table'): void;
  countConsumerRestart(): void;
  /** Reservations whose personal data was erased, by trigger (request, event, retention). */
  countPersonalDataErasures(trigger: 'request' | 'event' | 'retention', reservations: number): void;
  /** A finished retention run (its time is exported, so a stalled job can be alerted on). */
  markRetentionRun(at: Date): void;
}

const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;

/** Operation names come from clients: keep the label set bounded. */
const MAX_OPERATION_LABELS = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function createMetrics(): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'svc-reservations' });
  collectDefaultMetrics({ register: registry });
  let probes: MetricProbes = {};
  const seenOperations = new Set<string>();

  const requestDuration = new Histogram({
    name: 'reservations_graphql_request_duration_seconds',
    help: 'GraphQL request latency by operation',
    labelNames: ['operation', 'type'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'reservations_graphql_errors_total',
    help: 'GraphQL errors by extensions.code',
    labelNames: ['code'],
    registers: [registry],
  });
  new Gauge({
    name: 'reservations_outbox_lag_seconds',
    help: 'Age of the oldest outbox message not yet delivered (0 when none), by kind',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const lag = await probes.outboxLag?.().catch(() => null);
      if (!lag) return;
      this.set({ kind: 'event' }, lag.event);
      this.set({ kind: 'notification' }, lag.notification);
    },
  });
  new Gauge({
    name: 'reservations_payment_consumer_lag_messages',
    help: 'Messages of payment.processed not yet processed by this consumer group',
    registers: [registry],
    async collect() {
      const lag = await probes.consumerLag?.().catch(() => null);
      if (lag !== null && lag !== undefined) this.set(lag);
    },
  });
  new Gauge({
    name: 'reservations_payment_consumer_running',
    help: '1 while the payment.processed consumer is in its group and consuming, else 0',
    registers: [registry],
    collect() {
      const status = probes.paymentConsumer?.();
      if (status) this.set(status.running ? 1 : 0);
    },
  });
  new Gauge({
    name: 'reservations_payment_consumer_last_progress_timestamp_seconds',
    help: 'When the payment.processed consumer last committed an offset (Unix time; 0 = not yet)',
    registers: [registry],
    collect() {
      const status = probes.paymentConsumer?.();
      if (status) this.set((status.lastProgressAt?.getTime() ?? 0) / 1_000);
    },
  });
  const consumerRestarts = new Counter({
    name: 'reservations_payment_consumer_restarts_total',
    help: 'Restarts of the payment.processed consumer after a crash or a failed start',
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'reservations_payment_dead_letters_total',
    help: 'payment.processed messages dead-lettered, by store: topic, or table (too large for the topic, or it failed)',
    labelNames: ['store'],
    registers: [registry],
  });
  new Gauge({
    name: 'reservations_db_pool_connections',
    help: 'Database pool connections by state (waiting = requests queued for a connection)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const pool = probes.pool?.();
      if (!pool) return;
      this.set({ state: 'total' }, pool.total);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
    },
  });

  const dependencyCalls = new Histogram({
    name: 'reservations_dependency_call_duration_seconds',
    help: 'Calls to guest profiles, trip catalog and payments (retries included), by service and outcome',
    labelNames: ['service', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'reservations_dependency_breaker_state',
    help: 'Circuit breaker of each called service: 1 for its current state (closed, half-open, open), 0 for the others',
    labelNames: ['service', 'state'],
    registers: [registry],
    collect() {
      for (const [service, current] of probes.breakers?.() ?? []) {
        for (const state of BREAKER_STATES) this.set({ service, state }, state === current ? 1 : 0);
      }
    },
  });

  const erasures = new Counter({
    name: 'reservations_personal_data_erasures_total',
    help: 'Reservations whose personal data was erased, by trigger: request (staff), event (guest.erased), retention',
    labelNames: ['trigger'],
    registers: [registry],
  });
  const retentionRun = new Gauge({
    name: 'reservations_personal_data_retention_last_run_timestamp_seconds',
    help: 'When the personal-data retention job last finished a run (Unix seconds)',
    registers: [registry],
  });

  return {
    registry,
    countPersonalDataErasures: (trigger, reservations) => erasures.inc({ trigger }, reservations),
    markRetentionRun: (at) => retentionRun.set(at.getTime() / 1_000),
    observeDependencyCall: (service, outcome, seconds) => dependencyCalls.observe({ service, outcome }, seconds),
    setProbes: (next) => {
      probes = next;
    },
    observeRequest: (operation, type, seconds) => {
      let label = OPERATION_NAME.test(operation) ? operation : 'anonymous';
      if (!seenOperations.has(label)) {
        if (seenOperations.size >= MAX_OPERATION_LABELS) label = 'other';
        else seenOperations.add(label);
      }
      requestDuration.observe({ operation: label, type }, seconds);
    },
    countError: (code) => errors.inc({ code }),
    countDeadLetter: (store) => deadLetters.inc({ store }),
    countConsumerRestart: () => consumerRestarts.inc(),
  };
}
