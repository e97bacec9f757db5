import { FormatRegistry, Type } from '@sinclair/typebox';
import type { TLiteral, TUnion } from '@sinclair/typebox';

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/**
 * A union of string literals from a constant list (STYLES, the metric names), so the schema and the
 * list cannot disagree. The cast only restores the tuple type that `map` widens to an array.
 */
export const oneOf = <const T extends readonly string[]>(values: T): TUnion<Literals<T>> =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<Literals<T>>;

/**
 * `Static<…>` with every property and array readonly: result objects are values nobody edits, and
 * the code that builds them passes readonly arrays, which a mutable `T[]` would refuse.
 */
export type Frozen<T> = T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

/** what JSON keeps of a value: no `undefined` anywhere (a property holding it is not written) */
type Written<T> = T extends object ? { [K in keyof T]: Written<Exclude<T[K], undefined>> } : T;
/** every property required, so a comparison sees fields that only one side declares */
type Complete<T> = T extends object ? { [K in keyof T]-?: Complete<Exclude<T[K], undefined>> } : T;

/**
 * true when an interface declared elsewhere and a schema's `Static` describe the same JSON: what
 * the code writes conforms to the schema, and the schema declares no field the code lacks or
 * lacks one it writes. (A field optional in the schema and always written is allowed.)
 */
export type Describes<Schema, Interface> = [Written<Interface>] extends [Frozen<Schema>]
  ? [Complete<Frozen<Schema>>] extends [Complete<Interface>]
    ? true
    : false
  : false;

/** Fails to compile unless its type argument is `true`. */
export type Assert<T extends true> = T;

/**
 * An ISO 8601 date-time string. TypeBox knows no formats until they are registered, and a report
 * is checked against the same `format` that the published JSON Schema declares.
 */
export const DateTime = (description: string) => Type.String({ format: 'date-time', description });

// RFC 3339 date-time, as `Date.prototype.toISOString` writes it and Ajv's `date-time` accepts.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v)));
