import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, one registry per app instance (several nodes may share a process in tests). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
  return {
    registry,
    connections: new Gauge({ name: 'parley_ws_connections', help: 'Open WebSocket connections on this node', registers: [registry] }),
    messagesSent: new Counter({ name: 'parley_messages_sent_total', help: 'Messages committed (new, not retries)', registers: [registry] }),
    messagesDelivered: new Counter({ name: 'parley_messages_delivered_total', help: 'Message pushes written to sockets', registers: [registry] }),
    sendAckSeconds: new Histogram({ name: 'parley_send_ack_seconds', help: 'Time from a send request to its acknowledgement (after commit)', buckets: latencyBuckets, registers: [registry] }),
    sendDeliverSeconds: new Histogram({ name: 'parley_send_deliver_seconds', help: 'Time from a send request reaching the server to the message being pushed to sockets on this node (commit and bus included)', buckets: latencyBuckets, registers: [registry] }),
    commitBatchSize: new Histogram({ name: 'parley_commit_batch_size', help: 'Sends per group-commit transaction', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], registers: [registry] }),
    errors: new Counter({ name: 'parley_errors_total', help: 'Errors returned to clients, by code', labelNames: ['code'] as const, registers: [registry] }),
    httpRequests: new Counter({ name: 'parley_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'] as const, registers: [registry] }),
    storeInFlight: new Gauge({ name: 'parley_db_calls_in_flight', help: 'Storage calls under way (compare with the pool size: PostgreSQL pool max, 1 for SQLite)', registers: [registry] }),
    storeSeconds: new Histogram({ name: 'parley_db_call_seconds', help: 'Storage call duration by port method', labelNames: ['method'] as const, buckets: latencyBuckets, registers: [registry] }),
    edgeRefusals: new Counter({ name: 'parley_edge_refusals_total', help: 'Connections and sockets refused or cut at the edge, by reason (caps and timeouts, docs/security.md)', labelNames: ['reason'] as const, registers: [registry] }),
    rateLimitFallbacks: new Counter({ name: 'parley_rate_limit_fallback_total', help: 'Rate-limit hits counted by this node alone because the shared limiter (Redis) failed or was too slow', registers: [registry] }),
    loginNotices: new Counter({ name: 'parley_login_attack_notices_total', help: 'Accounts whose login limit for unknown devices was reached (once per account per window)', registers: [registry] }),
    slowConsumers: new Counter({ name: 'parley_ws_slow_consumer_closes_total', help: 'Sockets closed because their send buffer overflowed', registers: [registry] }),
    busPayloadsDropped: new Counter({ name: 'parley_bus_payloads_dropped_total', help: 'Bus payloads dropped by this node: not an envelope (malformed), or beyond the buffer held while re-checking after a bus gap (held_overflow)', labelNames: ['reason'] as const, registers: [registry] }),
    recheckCorrections: new Counter({
      name: 'parley_recheck_corrections_total',
      help: 'What re-checking sockets against the database changed that bus messages had not: sockets closed (revoked), conversations unrouted or routed. Nonzero means the bus lost something',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
