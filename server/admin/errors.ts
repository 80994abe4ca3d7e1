/** Admin API errors: one JSON shape (`shared/api/common.ts` ApiError), never a 500 for client input. */
import type { FastifyError, FastifyReply } from 'fastify';
import type { ApiErrorCode } from '../../shared/api/common.js';
import { DomainError } from '../domain/errors.js';
import { isBusy, isDatabaseUnavailable } from '../store/uniqueViolation.js';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

const DOMAIN_STATUS: Record<DomainError['code'], [number, ApiErrorCode]> = {
  invalid: [400, 'invalid_request'],
  not_found: [404, 'not_found'],
  conflict: [409, 'conflict'],
  unprocessable: [422, 'unprocessable'],
  forbidden: [403, 'forbidden'],
};

export function toApiFailure(error: unknown): ApiFailure | undefined {
  if (error instanceof ApiFailure) return error;
  if (error instanceof DomainError) {
    const [status, code] = DOMAIN_STATUS[error.code];
    return new ApiFailure(status, code, error.message, error.field);
  }
  if (isBusy(error)) return new ApiFailure(503, 'unavailable', 'The database is busy; retry shortly.', undefined, { 'Retry-After': '1' });
  if (isDatabaseUnavailable(error)) {
    return new ApiFailure(503, 'unavailable', 'The database is unavailable; retry shortly.', undefined, { 'Retry-After': '5' });
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiFailure(413, 'invalid_request', 'The request body is larger than 1 MiB.');
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new ApiFailure(415, 'invalid_request', 'Send JSON (application/json).');
  if (error instanceof SyntaxError || (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500)) {
    return new ApiFailure(fastifyError.statusCode ?? 400, 'invalid_request', fastifyError.message ?? 'The request is malformed.');
  }
  return undefined;
}

export function sendApiFailure(reply: FastifyReply, failure: ApiFailure): FastifyReply {
  return reply
    .code(failure.status)
    .headers(failure.headers)
    .send({ error: { code: failure.code, message: failure.message, ...(failure.field ? { field: failure.field } : {}) } });
}
