import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Structured JSON logs. Tokens and passwords are redacted wherever they appear; request
 * and frame bodies are never logged, so message text cannot reach the logs. At `info` a
 * person reads what they need (where it listens, warnings, errors); every HTTP request is
 * one more line at `debug` (see app.ts). `destination` defaults to stdout.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { ...base },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.accessToken', '*.refreshToken', '*.body'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
