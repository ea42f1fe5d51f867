/**
 * Browser pushes, off every request path: jobs are queued and sent in batches (one
 * subscription read per batch, a few requests in flight at a time). A subscription the
 * push service calls gone (404/410) is deleted. Payloads hold message text, encrypted
 * for the browser; they are never logged.
 */
import { createHash } from 'node:crypto';
import type { ConversationId, PushPayload, UserId } from '@parley/protocol';
import type { Deps } from '../deps';
import { BatchQueue } from './batch-queue';
import type { PushSender } from '../../push/port';

export interface PushJob {
  userId: UserId;
  payload: PushPayload;
}

const CONCURRENCY = 8;
/** A push the browser could not get within a day is no longer news. */
const TTL_SEC = 24 * 3600;

/** Push services replace a waiting push with the same topic: an away user gets the latest per conversation, not a pile. */
function topicOf(conversationId: ConversationId): string {
  return createHash('sha256').update(conversationId).digest('base64url').slice(0, 32);
}

export class PushDelivery {
  private readonly queue: BatchQueue<PushJob>;

  constructor(
    private readonly deps: Deps,
    private readonly sender: PushSender,
  ) {
    this.queue = new BatchQueue((jobs) => this.deliver(jobs), {
      batchMax: 256,
      capacity: 10_000,
      onError: (err) => deps.log.warn({ err }, 'push delivery failed'),
    });
  }

  enqueue(jobs: readonly PushJob[]): void {
    for (const job of jobs) this.queue.push(job);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async deliver(jobs: PushJob[]): Promise<void> {
    const { store } = this.deps;
    const subs = await store.notifications.pushSubscriptionsOf([...new Set(jobs.map((j) => j.userId))]);
    if (subs.length === 0) return;
    const byUser = new Map<UserId, typeof subs>();
    for (const s of subs) {
      const list = byUser.get(s.userId);
      if (list) list.push(s);
      else byUser.set(s.userId, [s]);
    }
    const sends: (() => Promise<void>)[] = [];
    for (const job of jobs) {
      const body = JSON.stringify(job.payload);
      const options = { ttlSec: TTL_SEC, urgency: job.payload.mention ? ('high' as const) : ('normal' as const), topic: topicOf(job.payload.conversationId) };
      for (const sub of byUser.get(job.userId) ?? []) {
        sends.push(async () => {
          const outcome = await this.sender.send(sub, body, options);
          if (outcome === 'gone') await store.notifications.deletePushEndpoint(sub.endpoint);
          else if (outcome === 'failed') this.deps.log.warn({ userId: job.userId }, 'push not accepted by the push service');
        });
      }
    }
    let next = 0;
    const worker = async () => {
      while (next < sends.length) {
        const send = sends[next++]!;
        await send().catch((err: unknown) => this.deps.log.warn({ err }, 'push send failed'));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, sends.length) }, worker));
  }
}
