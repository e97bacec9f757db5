/**
 * Writes the result objects' JSON Schemas, generated from their TypeBox schemas, to
 * docs/schema/{run,compare,raw,calibration}.schema.json.
 *
 *   npm run schema              regenerate the committed schemas
 *   npm run schema -- --check   write nothing; exit 1 and name the schemas that are stale
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { CalibrationSchema } from '../report/calibration-schema.ts';
import { RawRunSchema } from '../report/raw-schema.ts';
import { CompareReportSchema, RunReportSchema } from '../model/schema.ts';
import { stableJson, staleFiles, syncGenerated, type SyncRequest } from './generated.ts';

export const SCHEMA_DIR = fileURLToPath(new URL('../../docs/schema/', import.meta.url));

export const RESULT_SCHEMAS = { run: RunReportSchema, compare: CompareReportSchema, raw: RawRunSchema, calibration: CalibrationSchema } as const;
export type ResultName = keyof typeof RESULT_SCHEMAS;
export const RESULT_NAMES = Object.keys(RESULT_SCHEMAS) as ResultName[];

export const schemaPath = (name: ResultName): string => join(SCHEMA_DIR, `${name}.schema.json`);

/** Conventional reading order for the top of a schema; every other object has its keys sorted. */
const TOP_LEVEL = ['$schema', 'title', 'description', 'type', 'required', 'properties'];

/**
 * One schema's file text. TypeBox schemas are JSON Schema already; JSON.stringify drops the symbols
 * TypeBox keeps its kinds in, and `$schema` names the draft Ajv and editors should read it as.
 */
export function renderSchema(schema: TSchema): string {
  return stableJson({ $schema: 'http://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(schema)) }, TOP_LEVEL);
}

export const generateSchemas = (): ReadonlyMap<string, string> => new Map(RESULT_NAMES.map((n) => [schemaPath(n), renderSchema(RESULT_SCHEMAS[n])]));

export const staleSchemaFiles = (): Promise<string[]> => staleFiles(generateSchemas());

/** `npm run schema [-- --check]` */
export const syncSchemas = (request: SyncRequest): Promise<number> =>
  syncGenerated({ what: 'JSON Schemas', command: 'npm run schema', generated: generateSchemas(), ...request });
