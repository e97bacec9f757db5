import type { Static, TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import type { ValueError } from '@sinclair/typebox/value';
import { ReportError } from './errors.ts';

/**
 * Checks `value` against a result schema and returns it typed, or throws REPORT.INVALID naming the
 * first wrong field as a reader would write it (`runs[1].latency.completion.p99 is not a number`),
 * so a damaged or foreign file fails here with its path rather than as a crash in a table.
 * @param what the object, as the message names it (`interplay/run@1 report`)
 */
export function checkAgainst<T extends TSchema>(schema: T, value: unknown, path: string, what: string): Static<T> {
  const why = schemaViolation(schema, value);
  if (why !== undefined) throw new ReportError('REPORT.INVALID', `${path} is not a valid ${what}: ${why}.`, { path });
  return value as Static<T>;
}

/** The first way `value` breaks `schema`, in words; undefined when it conforms. */
export function schemaViolation(schema: TSchema, value: unknown): string | undefined {
  if (Value.Check(schema, value)) return undefined;
  const first = Value.Errors(schema, value).First();
  return first === undefined ? 'it does not match the schema' : describe(first);
}

/** `/runs/1/latency/p99` → `runs[1].latency.p99`; the top level is "the file" */
const fieldOf = (pointer: string): string =>
  pointer === ''
    ? 'the top level'
    : pointer
        .slice(1)
        .split('/')
        .map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'))
        .map((key, i) => (/^\d+$/.test(key) ? `[${key}]` : i === 0 ? key : `.${key}`))
        .join('');

function describe(error: ValueError): string {
  const field = fieldOf(error.path);
  if (error.value === undefined) return `${field} is missing`;
  const limit = (key: string): unknown => (error.schema as Record<string, unknown>)[key];
  switch (error.type) {
    case ValueErrorType.Number:
      return `${field} is not a number`;
    case ValueErrorType.Integer:
      return typeof error.value === 'number' ? `${field} is not a whole number` : `${field} is not a number`;
    case ValueErrorType.String:
      return `${field} is not a string`;
    case ValueErrorType.StringFormat:
      return `${field} is not a ${String(limit('format'))} (${JSON.stringify(error.value)})`;
    case ValueErrorType.Object:
      return `${field} is not an object`;
    case ValueErrorType.Array:
      return `${field} is not a list`;
    case ValueErrorType.ArrayMinItems:
      return `${field} has fewer than ${String(limit('minItems'))} entries`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `${field} is below ${String(limit('minimum'))}`;
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMinimum:
      return limit('exclusiveMinimum') === 0 ? `${field} is not a positive number` : `${field} is not above ${String(limit('exclusiveMinimum'))}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `${field} is above ${String(limit('maximum'))}`;
    case ValueErrorType.Literal:
      return `${field} is ${JSON.stringify(error.value)}, not ${JSON.stringify(limit('const'))}`;
    case ValueErrorType.Union:
      return `${field} is ${JSON.stringify(error.value)}, which is none of ${alternatives(error.schema)}`;
    default:
      return `${field}: ${error.message.toLowerCase()}`;
  }
}

/** the branches of a union, as a reader would list them: `"rest", "notification" or a number` */
function alternatives(schema: TSchema): string {
  const branches = ((schema as { anyOf?: TSchema[] }).anyOf ?? []).map((s) => {
    const c = (s as { const?: unknown }).const;
    return c !== undefined ? JSON.stringify(c) : String((s as { type?: unknown }).type ?? 'another shape');
  });
  return branches.length < 2 ? branches.join('') : `${branches.slice(0, -1).join(', ')} or ${branches.at(-1) ?? ''}`;
}
