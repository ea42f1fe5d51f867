import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Tokens and passwords are redacted wherever they appear; request
 * and frame bodies are never logged, so message text cannot reach the logs.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { ...base },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.accessToken', '*.refreshToken', '*.body'],
      censor: '[redacted]',
    },
  });
}
