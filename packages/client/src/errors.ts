import type { OperationId, Violation } from '@altcraft-api/contract';

/** Every error the client throws. `mayHaveReachedServer` tells whether a retry could duplicate work. */
export abstract class AltcraftError extends Error {
  abstract readonly mayHaveReachedServer: boolean;
  constructor(
    message: string,
    readonly operation: OperationId,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The platform answered with a failure: an HTTP error status, or HTTP 200 whose body's `error`
 * is not 0. The request was processed and refused as a whole.
 */
export class AltcraftApiError extends AltcraftError {
  override readonly name = 'AltcraftApiError';
  readonly mayHaveReachedServer = true;
  constructor(
    operation: OperationId,
    /** HTTP status of the answer. */
    readonly status: number,
    /** The body's `error` (the HTTP status when the body is not the API's envelope). */
    readonly code: number,
    /** The body's `error_text`. */
    readonly text: string,
    /** The body's `error_debug`, when there is one. */
    readonly debug: string | undefined,
    /** The server's request id (`X-Request-Id`), when it sends one. */
    readonly requestId: string | undefined,
    /** `Retry-After` in seconds, when the server sends one (429, 503). */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(`${operation} failed: HTTP ${status}, error ${code}: ${text}${debug ? ` (${debug})` : ''}`, operation);
  }
}

/**
 * The server answered with a redirect (3xx). Redirects are never followed: the request (and the
 * token it carries) would go to another address. The platform did not process the request.
 */
export class AltcraftRedirectError extends AltcraftError {
  override readonly name = 'AltcraftRedirectError';
  readonly mayHaveReachedServer = true;
  constructor(
    operation: OperationId,
    /** HTTP status of the answer (301, 302, 303, 307, 308, ...). */
    readonly status: number,
    /**
     * Where the server pointed: origin and path of `Location` only (user info, query and fragment
     * are dropped), with any piece of the token redacted; `(none)` when it sent no Location.
     */
    readonly location: string,
  ) {
    super(`${operation} failed: HTTP ${status} redirect to ${location}, not followed (check baseUrl)`, operation);
  }
}

/** The request never got an answer because the connection failed. */
export class AltcraftNetworkError extends AltcraftError {
  override readonly name = 'AltcraftNetworkError';
  constructor(
    operation: OperationId,
    /** False when the connection failed before the request was sent (refused, unknown host). */
    readonly mayHaveReachedServer: boolean,
    /** The system error code (`ECONNREFUSED`, `UND_ERR_SOCKET`), when known. */
    readonly causeCode: string | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `${operation} failed: connection error${causeCode ? ` ${causeCode}` : ''}; ` +
        (mayHaveReachedServer ? 'the request may have reached the server' : 'the request was not sent'),
      operation,
      options,
    );
  }
}

/** No answer came within `timeoutMs`; the server may still be processing the request. */
export class AltcraftTimeoutError extends AltcraftError {
  override readonly name = 'AltcraftTimeoutError';
  readonly mayHaveReachedServer = true;
  constructor(
    operation: OperationId,
    readonly timeoutMs: number,
  ) {
    super(`${operation} failed: no answer within ${timeoutMs} ms; the request may have reached the server`, operation);
  }
}

/** The server answered, but not with anything the contract allows (unreadable body, wrong shape). */
export class AltcraftResponseError extends AltcraftError {
  override readonly name = 'AltcraftResponseError';
  readonly mayHaveReachedServer = true;
  constructor(
    operation: OperationId,
    readonly status: number,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${operation}: unreadable answer (HTTP ${status}): ${reason}`, operation, options);
  }
}

/** The request breaks the contract (or cannot be encoded in XML); nothing was sent. */
export class AltcraftValidationError extends AltcraftError {
  override readonly name = 'AltcraftValidationError';
  readonly mayHaveReachedServer = false;
  constructor(
    operation: OperationId,
    readonly violations: Violation[],
  ) {
    const shown = violations.slice(0, 5).map((v) => `${v.pointer || '/'}: ${v.message}`);
    const more = violations.length > shown.length ? `; and ${violations.length - shown.length} more` : '';
    super(`${operation}: invalid request, not sent: ${shown.join('; ')}${more}`, operation);
  }
}

/**
 * An option of createAltcraftClient cannot work (a token with control characters, a base URL
 * that is not an http(s) API root): thrown by createAltcraftClient, before anything is sent.
 * The message names the option and the problem, never the token's value.
 */
export class AltcraftConfigError extends TypeError {
  override readonly name = 'AltcraftConfigError';
  readonly mayHaveReachedServer = false;
  constructor(
    readonly option: 'token' | 'baseUrl' | 'auth' | 'validate',
    problem: string,
  ) {
    super(`createAltcraftClient: ${option} ${problem}`);
  }
}

/**
 * waitForTask gave up: the task had not reached a final status within `timeoutMs`. The task may
 * still finish on the platform; `lastStatus` is the last status it reported (none when no status
 * request was answered).
 */
export class AltcraftTaskTimeoutError extends AltcraftError {
  override readonly name = 'AltcraftTaskTimeoutError';
  readonly mayHaveReachedServer = true;
  constructor(
    readonly taskId: string,
    readonly timeoutMs: number,
    readonly lastStatus: string | undefined,
  ) {
    super(`getTaskStatus: task ${taskId} did not finish within ${timeoutMs} ms (last status: ${lastStatus ?? 'none'})`, 'getTaskStatus');
  }
}
