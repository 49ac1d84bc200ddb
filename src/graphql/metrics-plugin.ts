import type { ApolloServerPlugin } from '@apollo/server';
import { DomainError } from '../domain/index.js';
import type { Metrics } from '../observability/metrics.js';

/** Latency per operation and errors by code, as clients see them. */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const original = error.originalError;
            const code =
              original instanceof DomainError
                ? original.code
                : typeof error.extensions?.code === 'string'
                  ? error.extensions.code
                  : 'INTERNAL_SERVER_ERROR';
            metrics.countError(code);
          }
        },
        async willSendResponse({ operationName, operation }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.observeRequest(operationName ?? 'anonymous', operation?.operation ?? 'unknown', seconds);
        },
      };
    },
  };
}
