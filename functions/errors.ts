/** Domain errors, mapped to HTTP status in one place (`app.onError`). */

export class BaselineError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 503,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends BaselineError {
  constructor(message: string, field?: string, code = 'invalid-request') {
    super(400, code, message, field);
  }
}
export class UnauthorizedError extends BaselineError {
  constructor(message = 'sign in first: this route needs a bearer token') {
    super(401, 'unauthorized', message);
  }
}
export class ForbiddenError extends BaselineError {
  constructor(message = 'your role may not do this') {
    super(403, 'forbidden', message);
  }
}
export class NotFoundError extends BaselineError {
  constructor(what: string, code = 'not-found') {
    super(404, code, `${what} does not exist`);
  }
}
export class ConflictError extends BaselineError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}
export class GoneError extends BaselineError {
  constructor(code: string, message: string) {
    super(410, code, message);
  }
}
export class UnavailableError extends BaselineError {
  constructor(message: string) {
    super(503, 'try-again', message);
  }
}
