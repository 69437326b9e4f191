import { z } from 'zod';

/**
 * Leaf schemas for configuration keys. Each issue's message is what the key expects, so the
 * loader can say "<key> must be <message>, got <value>".
 */

/** "snake_case" → "snakeCase", at the type level. */
export type Camel<S extends string> = S extends `${infer H}_${infer T}`
  ? `${H}${Capitalize<Camel<T>>}`
  : S;

/** An object type with its keys camel-cased. */
export type CamelKeys<T> = { [K in keyof T as K extends string ? Camel<K> : K]: T[K] };

/** Readonly all the way down, as code reads configuration. */
export type DeepReadonly<T> = T extends readonly (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A strict section (unknown keys rejected) whose output keys are camel-cased. */
export const section = <S extends z.ZodRawShape>(shape: S) =>
  z
    .strictObject(shape, { error: 'a mapping' })
    .transform(
      (o) =>
        Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v])) as CamelKeys<
          z.output<z.ZodObject<S, z.core.$strict>>
        >,
    );

/** A section that may be left out: its keys take their defaults. */
export const defaulted = <S extends z.ZodRawShape>(shape: S) =>
  // `{}` fits every shape whose keys all have defaults, which tsc cannot see for a generic shape.
  section(shape).prefault({} as z.input<ReturnType<typeof section<S>>>);

const rangeText = (min: number, max: number): string =>
  max === Number.MAX_SAFE_INTEGER
    ? min === 1
      ? 'a positive integer'
      : min === 0
        ? 'a non-negative integer'
        : `an integer of at least ${min}`
    : `an integer from ${min} to ${max}`;

/** An integer within bounds. */
export const int = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const e = { error: rangeText(min, max) };
  return z.number(e).int(e).min(min, e).max(max, e);
};

/** Longest delay a Node timer takes (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A duration in milliseconds: an integer from `min` up to what a Node timer can wait. */
export const ms = (min: number) => int(min, MAX_TIMER_MS);

/** A finite number of at least `min`. */
export const number = (min: number) => {
  const e = { error: min === 0 ? 'a non-negative number' : `a number of at least ${min}` };
  return z.number(e).min(min, e);
};

/** Any string (empty allowed). */
export const str = () => z.string({ error: 'a string' });

/** A non-empty string. */
export const nonEmpty = () => {
  const e = { error: 'a non-empty string' };
  return z.string(e).refine((s) => s.trim() !== '', e);
};

/** true or false. */
export const bool = () => z.boolean({ error: 'true or false' });

const urlWith = (v: string, schemes: readonly string[]): boolean => {
  try {
    return schemes.includes(new URL(v).protocol);
  } catch {
    return false;
  }
};

/** An http(s) URL, trailing slashes dropped. */
export const httpUrl = () => {
  const e = { error: 'an http(s) URL' };
  return z
    .string(e)
    .refine((v) => urlWith(v, ['http:', 'https:']), e)
    .transform((v) => v.replace(/\/+$/, ''));
};

/** Empty, or a URL with one of the given schemes. */
export const optionalUrl = (...schemes: string[]) => {
  const e = { error: `empty or a ${schemes.map((s) => s.replace(':', '')).join('/')} URL` };
  return z.string(e).refine((v) => v === '' || urlWith(v, schemes), e);
};

/** A list of non-empty strings. */
export const stringList = () => z.array(nonEmpty(), { error: 'a list of non-empty strings' });
