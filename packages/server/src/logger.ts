import pino, { type DestinationStream, type Logger } from 'pino';

/** Query parameters whose values are logged as sent: numbers and enums, never secrets or user text. */
const PLAIN_QUERY_PARAMS = new Set(['limit', 'before', 'after', 'archived', 'for', 'unknown']);

/**
 * A request URL as it may be logged: the path, and the query with every value replaced
 * except plain paging parameters. Signed links carry their signature (`sig`, `exp`,
 * `uid`) in the query, and searches carry what the user typed: neither belongs in logs.
 */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return PLAIN_QUERY_PARAMS.has(name) ? pair : `${name}=[redacted]`;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * Structured JSON logs. Tokens and passwords are redacted wherever they appear; request
 * and frame bodies are never logged, so message text cannot reach the logs; request
 * URLs are logged through redactUrl. At `info` a person reads what they need (where it
 * listens, warnings, errors); every HTTP request is one more line at `debug` (see app.ts).
 * `destination` defaults to stdout.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { ...base },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.accessToken', '*.refreshToken', '*.body'],
      censor: '[redacted]',
    },
    // Replaces Fastify's request serializer (it merges the logger's own over its defaults).
    serializers: {
      req: (req: LoggedRequest) => ({ method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
