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
export type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;

/** true when A and B accept the same values (up to readonly): a compile-time guard against drift */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Fails to compile unless its argument's type is `true`. */
export const assertType = <T extends true>(): T | undefined => undefined;

/**
 * An ISO 8601 date-time string. TypeBox knows no formats until they are registered, and a report
 * is checked against the same `format` that the published JSON Schema declares.
 */
export const DateTime = (description: string) => Type.String({ format: 'date-time', description });

// RFC 3339 date-time, as `Date.prototype.toISOString` writes it and Ajv's `date-time` accepts.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v)));
