/** Renders docs/errors.md from the catalogue; error-docs.test.ts fails when the file is stale. */
import { ERRORS } from './errors';
import { CLOSE } from './close-codes';

export function renderErrorDocs(): string {
  const areas: Record<string, string> = { request: 'Request shape', auth: 'Accounts and sessions', object: 'Objects and permissions', limits: 'Limits and availability', realtime: 'WebSocket session' };
let out = `# Error codes\n\nEvery error Parley returns, over HTTP or WebSocket, is a JSON object\n\n\`\`\`json\n{ "code": "NOT_FOUND", "message": "conversation not found" }\n\`\`\`\n\nwith a stable \`code\` from this catalogue (clients branch on the code, never on the\nmessage text). \`RATE_LIMITED\` adds \`retryAfterMs\` (and HTTP adds a \`Retry-After\` header in\nseconds); \`BAD_REQUEST\` adds \`issues: [{ path, message }]\` naming the fields that were wrong.\n\n**Retryable** means sending the same request again (with the same \`clientMessageId\` for\nsends) can succeed; the SDK's outbox retries only those. The table is generated from\n\`packages/protocol/src/errors.ts\`, and a test fails when the two disagree.\n`;
for (const [area, title] of Object.entries(areas)) {
  out += `\n## ${title}\n\n| code | HTTP | retryable | meaning |\n| --- | --- | --- | --- |\n`;
  for (const [code, e] of Object.entries(ERRORS)) if (e.area === area) out += `| \`${code}\` | ${e.status} | ${e.retryable ? 'yes' : 'no'} | ${e.description} |\n`;
}
out += `\n## WebSocket close codes\n\nThe range tells a client what to do: **4000–4099 reconnect** with jittered back-off (and\ncatch up with \`sync\`); **4400–4499 stop** (4401 alone invites a token refresh and one more try).\n\n| code | name | client should |\n| --- | --- | --- |\n`;
const what: Record<string, string> = {
  GOING_AWAY: 'reconnect (the node is draining; another node will take it)', SLOW_CONSUMER: 'reconnect and catch up (it could not keep up with its pushes)', HEARTBEAT_TIMEOUT: 'reconnect (no frame within two heartbeat intervals)', TRY_AGAIN_LATER: 'reconnect later (database or bus unavailable)', TOO_MANY_CONNECTIONS: 'reconnect later with back-off (the account has as many open sockets on this node as `PARLEY_WS_PER_USER` allows; one must close first)',
  UNAUTHENTICATED: "refresh the access token, then reconnect (the hello's token was missing, invalid or expired, or the token an open socket last proved, by hello or `auth`, has since expired)", SESSION_REVOKED: 'stop: the session ended (logout, a reused refresh token, logging out everywhere, suspension or erasure)', PROTOCOL_UNSUPPORTED: 'stop: upgrade the client', PROTOCOL_ERROR: 'stop: no hello, or a broken protocol exchange',
  MESSAGE_TOO_BIG: `stop: a frame exceeded the size limit`, POLICY_VIOLATION: 'stop: too many invalid frames',
};
for (const [name, code] of Object.entries(CLOSE)) out += `| ${code} | \`${name}\` | ${what[name]} |\n`;
return out;
}
