const DECIMAL = /^-?[0-9]{1,15}$/;

/**
 * A query-string integer: plain decimal digits with an optional minus sign, nothing else
 * (`0x10`, `1e3`, ` 5`, `5.0` and `+5` are not numbers here). Undefined when `s` is not one.
 */
export const decimalInteger = (s: string): number | undefined =>
  DECIMAL.test(s) ? Number(s) : undefined;
