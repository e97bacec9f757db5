export { compareRuns } from './compare.ts';
export { ReportError } from './errors.ts';
export { defaultReportDir, readReports, readSaved, writeHtmlReport, writeReports, writeRunReport } from './files.ts';
export { renderHtml } from './html.ts';
export { renderMarkdown } from './markdown.ts';
export { parseReport, parseRunReport } from './parse.ts';
export { renderCompareTable, renderRunTable, renderTable, TABLE_WIDTH } from './table.ts';
export { orderFailures, verdict } from './verdict.ts';

export type { ReportErrorCode } from './errors.ts';
export type { TableOptions } from './table.ts';
export type { RampOutcome, Verdict } from './verdict.ts';
export type { CompareReport, Environment, Percentiles, ProcessCost, Ratios, RunConfig, RunReport, TimelineSecond } from './schema.ts';
