export type ReportErrorCode =
  | 'REPORT.DIR_NOT_FOUND'
  | 'REPORT.NO_REPORTS'
  | 'REPORT.BAD_JSON'
  | 'REPORT.UNKNOWN_SCHEMA'
  | 'REPORT.INVALID'
  | 'REPORT.DUPLICATE_STYLE';

/** Saved reports that cannot be read back, or runs that cannot be compared. `code` is stable. */
export class ReportError extends Error {
  readonly code: ReportErrorCode;
  /** the file or directory concerned, when there is one */
  readonly path: string | undefined;
  constructor(code: ReportErrorCode, message: string, options?: { readonly path?: string; readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReportError';
    this.code = code;
    this.path = options?.path;
  }
}
