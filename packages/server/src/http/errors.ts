import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, toAppError } from '../domain/errors';
import type { Metrics } from '../metrics';

/** Fastify's own errors (body parsing, limits) mapped onto the catalogue. */
function fromFastify(err: FastifyError): AppError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'the body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'send JSON with content-type application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST', 'the body is not valid JSON');
  }
  // JSON.parse errors and prototype-poisoning rejections from secure-json-parse.
  if (err.statusCode === 400) return new AppError('BAD_REQUEST', 'the request is malformed');
  return null;
}

/** The one boundary where any error becomes `{ code, message }`; causes of INTERNAL are logged, never sent. */
export function installErrorHandling(app: FastifyInstance, metrics: Metrics): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const appErr = err instanceof AppError ? err : (fromFastify(err) ?? toAppError(err, (cause) => req.log.error({ err: cause }, 'unhandled error')));
    metrics.errors.inc({ code: appErr.code });
    if (appErr.extra.retryAfterMs !== undefined) reply.header('retry-after', Math.max(1, Math.ceil(appErr.extra.retryAfterMs / 1000)));
    return reply.code(appErr.status).type('application/json').send(appErr.toBody());
  });
}
