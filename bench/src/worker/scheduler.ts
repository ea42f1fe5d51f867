/**
 * Open-loop sending: every message has a planned time fixed before the run, and is
 * sent at (or, when this process falls behind, as soon as possible after) that time,
 * never waiting for replies. Receivers measure latency from the planned time, so a
 * stalled server or generator shows up as latency instead of silently lowering the
 * offered load (no coordinated omission).
 */
import { nowUs } from '../core/histogram';
import type { BenchConn } from './conn';
import { encodeBody, type PhasePlan, type SenderPlan } from './protocol';

interface Cursor {
  conn: BenchConn;
  plan: SenderPlan;
  next: number;
  intervalUs: number;
}

export function runPhase(plan: PhasePlan, conns: Map<number, BenchConn>, onDone: (sent: number) => void): void {
  const cursors: Cursor[] = plan.senders
    .filter((s) => conns.has(s.client))
    .map((s) => ({ conn: conns.get(s.client)!, plan: s, next: 0, intervalUs: 1e6 / s.rate }));
  let sent = 0;
  const tick = () => {
    const now = nowUs();
    let remaining = 0;
    for (const c of cursors) {
      while (c.next < c.plan.count) {
        const planned = Math.round(plan.startUs + c.plan.offsetUs + c.next * c.intervalUs);
        if (planned > now) break;
        const body = encodeBody(plan.phase, c.plan.sender, c.next, planned, c.plan.client, plan.size);
        c.conn.send(c.plan.conversationId, `b${plan.phase}.${c.plan.sender}.${c.next}`, body);
        c.next++;
        sent++;
      }
      remaining += c.plan.count - c.next;
    }
    if (remaining > 0) setTimeout(tick, 1);
    else onDone(sent);
  };
  const wait = Math.max(0, (plan.startUs - nowUs()) / 1000);
  setTimeout(tick, wait);
}
