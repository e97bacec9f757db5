export { loadBaseline } from './baseline.ts';
export { compareRepeats, compareRuns } from './compare.ts';
export { ReportError } from './errors.ts';
export { defaultReportDir, readReports, readSaved, writeReports, writeRunReport } from './files.ts';
export { evaluateGate, gateFailures, median, renderGate } from './gate.ts';
export { renderMarkdown } from './markdown.ts';
export { formatMetric, METRIC_NAMES, METRICS } from './metrics.ts';
export { parseReport, parseRunReport } from './parse.ts';
export { renderCompareTable, renderRunTable, renderTable, TABLE_WIDTH } from './table.ts';
export { parseThresholds } from './thresholds.ts';
export { orderFailures, verdict } from './verdict.ts';

export type { ReportErrorCode } from './errors.ts';
export type { CheckVerdict, GateCheck, GateResult } from './gate.ts';
export type { MetricKind, MetricName } from './metrics.ts';
export type { Comparison, Threshold, ThresholdUnit } from './thresholds.ts';
export type { TableOptions } from './table.ts';
export type { RampOutcome, Verdict } from './verdict.ts';
export type { CompareReport, Environment, Percentiles, ProcessCost, Ratios, RunConfig, RunReport, StyleRepeats } from './schema.ts';
