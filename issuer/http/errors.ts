/**
 * Keygen's error objects and the exception that carries them to the response writer. Titles,
 * details and codes are Keygen's own wording (keygen-api `ApplicationController#render_*`,
 * `Keygen::Middleware::RequestErrorWrapper`), so clients that switch on `code` or show
 * `detail` behave as they do against Keygen Cloud.
 */

import type { Invalid } from '../domain/invalid.js';

/** `errors[].source`: a JSON pointer into the request document, a query parameter, or a header. */
export interface ErrorSource {
  readonly pointer?: string;
  readonly parameter?: string;
  readonly header?: string;
}

/** One JSON:API error object, in Keygen's key order. */
export interface ErrorObject {
  readonly title: string;
  readonly detail?: string;
  readonly code?: string;
  readonly source?: ErrorSource;
  readonly links?: { readonly about: string };
}

/** An expected failure: thrown by handlers, turned into an error document by the server. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly ErrorObject[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(errors[0]?.detail ?? errors[0]?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

const AUTH_DOCS = 'https://keygen.sh/docs/api/authentication/';

/** 400 Bad request. */
export function badRequest(detail = 'The request could not be completed', extra: Omit<ErrorObject, 'title' | 'detail'> = {}): ApiError {
  return new ApiError(400, [{ title: 'Bad request', detail, ...extra }]);
}

/** 404 for a missing record: `The requested license 'x' was not found`. */
export function notFound(resource?: string, id?: string): ApiError {
  let detail = 'The requested resource was not found';
  if (resource !== undefined) detail = id === undefined ? `The requested ${resource} was not found` : `The requested ${resource} '${id}' was not found`;
  return new ApiError(404, [{ title: 'Not found', detail, code: 'NOT_FOUND' }]);
}

/** 404 for a path no route matches (Keygen's routing error). */
export function endpointNotFound(): ApiError {
  return new ApiError(404, [
    { title: 'Not found', detail: 'The requested endpoint was not found (check your HTTP method, Accept header, and URL path)', code: 'NOT_FOUND' },
  ]);
}

/** Keygen's 401 codes, each with the documentation link Keygen attaches. */
export type UnauthorizedCode = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_FORMAT_INVALID' | 'LICENSE_INVALID';

/** 401 Unauthorized, always with `WWW-Authenticate: Bearer realm="keygen"`. */
export function unauthorized(code: UnauthorizedCode, detail = 'You must be authenticated to complete the request'): ApiError {
  const about =
    code === 'LICENSE_INVALID' ? `${AUTH_DOCS}#license-authentication` : code === 'TOKEN_INVALID' ? `${AUTH_DOCS}#token-authentication` : AUTH_DOCS;
  const links = code === 'TOKEN_EXPIRED' || code === 'TOKEN_FORMAT_INVALID' ? {} : { links: { about } };
  return new ApiError(401, [{ title: 'Unauthorized', detail, code, ...links }], { 'WWW-Authenticate': 'Bearer realm="keygen"' });
}

/** 403 with one of Keygen's authentication codes (`LICENSE_SUSPENDED`, `LICENSE_EXPIRED`, …). */
export function forbiddenCode(code: string, detail: string): ApiError {
  return new ApiError(403, [{ title: 'Access denied', detail, code }]);
}

/** 403 from an authorization policy. Keygen sends no `code` here. */
export function accessDenied(hasBearer: boolean): ApiError {
  const detail = hasBearer
    ? 'You do not have permission to complete the request (ensure the token bearer is allowed to access this resource)'
    : 'You do not have permission to complete the request (ensure a token is present and valid)';
  return new ApiError(403, [{ title: 'Access denied', detail }]);
}

/** 422 Unprocessable resource, one error per failed validation, with Keygen's docs link. */
export function unprocessable(resourceType: string, failures: readonly Invalid[]): ApiError {
  return new ApiError(
    422,
    failures.map((failure) => {
      const [, section, attr] = failure.pointer.split('/').slice(1);
      const docsSection = section === 'attributes' ? 'attrs' : section;
      const links =
        docsSection !== undefined && attr !== undefined
          ? { links: { about: `https://keygen.sh/docs/api/${resourceType}/#${resourceType}-object-${docsSection}-${attr}` } }
          : {};
      return { title: 'Unprocessable resource', detail: failure.detail, code: failure.code, source: { pointer: failure.pointer }, ...links };
    }),
  );
}

/** 400 for a body that is not JSON (Keygen's middleware wording). */
export function jsonInvalid(): ApiError {
  return badRequest('The request could not be completed because it contains invalid JSON (check formatting/encoding)', { code: 'JSON_INVALID' });
}

/** 400 for a body that is not UTF-8. */
export function encodingInvalid(): ApiError {
  return badRequest('The request could not be completed because it contains an invalid byte sequence (check encoding)', { code: 'ENCODING_INVALID' });
}

/** 400 for a request body in a media type Keygen does not parse. */
export function contentTypeInvalid(): ApiError {
  return badRequest('The content type of the request is not acceptable (check content-type header)', { code: 'CONTENT_TYPE_INVALID' });
}

/** 400 for an unparseable query string. */
export function parametersInvalid(): ApiError {
  return badRequest('The request could not be completed because it contains invalid query parameters (check encoding)', { code: 'PARAMETERS_INVALID' });
}

/**
 * 413 for a body over the cap. Keygen Cloud answers this from its proxy; the issuer answers
 * with an error object so that clients can read it the same way as every other failure.
 */
export function payloadTooLarge(maxBytes: number): ApiError {
  return new ApiError(413, [
    { title: 'Payload too large', detail: `The request body exceeds the maximum allowed size of ${maxBytes} bytes`, code: 'PAYLOAD_TOO_LARGE' },
  ]);
}

/** 500 with Keygen's wording; the issuer logs the cause, the client sees nothing of it. */
export function internalError(): ApiError {
  return new ApiError(500, [
    {
      title: 'Internal server error',
      detail: 'Looks like something went wrong! Our engineers have been notified. If you continue to have problems, please contact support@keygen.sh.',
    },
  ]);
}
