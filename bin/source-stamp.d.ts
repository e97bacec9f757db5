// Types of source-stamp.js, for the TypeScript that imports it (scripts, tests).
export declare const STAMP_FILE: string;
export declare function sourceStamp(root: string): string;
export interface LoaderChoice {
  readonly kind: 'dist' | 'sources';
  readonly reason: string;
}
export declare function loaderChoice(root: string): LoaderChoice;
