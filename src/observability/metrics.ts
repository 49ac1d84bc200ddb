import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * The Prometheus registry of the service, served on /metrics. Gauges that need I/O (outbox lag,
 * consumer lag) are computed at scrape time through the probes the service registers.
 */
export interface MetricProbes {
  outboxLag?: () => Promise<Record<'event' | 'notification', number>>;
  consumerLag?: () => Promise<number>;
}

export interface Metrics {
  registry: Registry;
  setProbes(probes: MetricProbes): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'svc-reservations' });
  collectDefaultMetrics({ register: registry });
  let probes: MetricProbes = {};

  new Gauge({
    name: 'reservations_outbox_lag_seconds',
    help: 'Age of the oldest outbox message not yet delivered (0 when none), by kind',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      if (!probes.outboxLag) return;
      const lag = await probes.outboxLag().catch(() => null);
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
      if (!probes.consumerLag) return;
      const lag = await probes.consumerLag().catch(() => null);
      if (lag !== null) this.set(lag);
    },
  });

  return { registry, setProbes: (next) => (probes = next) };
}
