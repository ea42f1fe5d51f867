/**
 * Runs one validated request frame through its operation: the rate step, the call, and
 * the reply typed for that op (ReplyData[W]).
 */
import type { ReplyData, RequestOp } from '@parley/protocol';
import type { Services } from '../domain/services';
import type { ClientConnection } from '../realtime/connection';
import type { FrameData, SocketCaller, WsBinding } from './kit';
import { takeRateStep } from './rate-step';
import { WS_BINDINGS } from './table';

export async function runFrame<W extends RequestOp>(services: Services, conn: ClientConnection, op: W, data: FrameData<W>): Promise<ReplyData[W]> {
  const binding: WsBinding<W> = WS_BINDINGS[op];
  const operation = binding.operation;
  const input = binding.input(data);
  // A socket is signed in: every op it sends is a signed-in user's.
  if (!operation.auth) throw new Error(`request op ${op} is bound to an operation without a session`);
  await takeRateStep(services.deps, operation.rate, { userId: conn.userId });
  const caller: SocketCaller = { userId: conn.userId, sessionId: conn.session.id, connection: conn };
  return binding.reply(await operation.run(services, caller, input));
}
