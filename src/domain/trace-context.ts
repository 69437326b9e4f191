/** A W3C trace context, as a `traceparent` header carries it. */
export interface TraceParent {
  /** 32 lowercase hex, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex, not all zero. */
  readonly spanId: string;
  /** The trace flags byte (bit 0: sampled). */
  readonly flags: number;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The trace context of a `traceparent` header, or undefined when it is absent or invalid (the
 * W3C rules: version `ff` and all-zero ids are invalid; version 00 has nothing after the flags).
 */
export const parseTraceparent = (header: string | undefined): TraceParent | undefined => {
  if (header === undefined || header.length > 512) return undefined;
  const m = TRACEPARENT.exec(header.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (!traceId || /^0+$/.test(traceId) || !spanId || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, flags: parseInt(flags ?? '00', 16) };
};

/** The `traceparent` header naming `spanId` in `traceId` (version 00). */
export const formatTraceparent = (p: TraceParent): string =>
  `00-${p.traceId}-${p.spanId}-${(p.flags & 0xff).toString(16).padStart(2, '0')}`;
