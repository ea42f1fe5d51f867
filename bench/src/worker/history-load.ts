/**
 * Open-loop history reads over keep-alive HTTP: alternately the latest page and a
 * page back from a random point, latency measured from each request's planned time.
 */
import http from 'node:http';
import { Histogram, nowUs } from '../core/histogram';
import type { HistoryPlan, HistoryReply } from './protocol';

export function runHistory(plan: HistoryPlan, done: (r: HistoryReply) => void): void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const hist = new Histogram();
  let ok = 0;
  let failed = 0;
  let issued = 0;
  let finished = 0;
  let lastDoneUs = 0;
  const intervalUs = 1e6 / plan.rate;
  const base = new URL(plan.baseUrl);

  const finish = () => {
    agent.destroy();
    done({ type: 'history', phase: plan.phase, hist: hist.toData(), ok, failed, lastDoneUs });
  };

  const issue = (n: number, plannedUs: number) => {
    const path = plan.conversationId === 'page'
      ? '/page'
      : n % 2 === 0
        ? `/api/conversations/${plan.conversationId}/messages?limit=50`
        : `/api/conversations/${plan.conversationId}/messages?limit=50&before=${1 + Math.floor(Math.random() * plan.lastSeq)}`;
    const req = http.request(
      { host: base.hostname, port: base.port, path, agent, headers: { authorization: `Bearer ${plan.token}` } },
      (res) => {
        res.resume();
        res.on('end', () => {
          const t = nowUs();
          hist.record(t - plannedUs);
          lastDoneUs = Math.max(lastDoneUs, t);
          if (res.statusCode === 200) ok++;
          else failed++;
          if (++finished === plan.count) finish();
        });
      },
    );
    req.on('error', () => {
      failed++;
      if (++finished === plan.count) finish();
    });
    req.end();
  };

  const tick = () => {
    const now = nowUs();
    while (issued < plan.count) {
      const planned = Math.round(plan.startUs + issued * intervalUs);
      if (planned > now) break;
      issue(issued, planned);
      issued++;
    }
    if (issued < plan.count) setTimeout(tick, 1);
  };
  setTimeout(tick, Math.max(0, (plan.startUs - nowUs()) / 1000));
}
