/** A failure a caller is expected to handle. `code` is stable and is what transports map on. */
export class DomainError<C extends string = string> extends Error {
  readonly code: C;
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DomainError';
    this.code = code;
  }
}
