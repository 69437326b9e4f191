import type { ReceivedSpan } from './otlp-receiver';

/** The fields of one protobuf message: number → raw values (varints as bigint, else bytes). */
type Fields = Map<number, Array<bigint | Buffer>>;

/** Reads one message's fields: enough of the wire format for OTLP traces. */
const fieldsOf = (b: Buffer): Fields => {
  const out: Fields = new Map();
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const byte = b[i++] ?? 0;
      v |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return v;
      shift += 7n;
    }
  };
  while (i < b.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    let value: bigint | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 1) value = b.subarray(i, (i += 8));
    else if (wire === 5) value = b.subarray(i, (i += 4));
    else if (wire === 2) {
      const n = Number(varint());
      value = b.subarray(i, (i += n));
    } else throw new Error(`unsupported wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
};

const bytes = (f: Fields, n: number): Buffer => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? v : Buffer.alloc(0);
};
const num = (f: Fields, n: number): number => {
  const v = f.get(n)?.[0];
  return typeof v === 'bigint' ? Number(v) : 0;
};
const messages = (f: Fields, n: number): Fields[] =>
  (f.get(n) ?? []).filter(Buffer.isBuffer).map(fieldsOf);

/** An AnyValue: string 1, bool 2, int 3, double 4, array 5 (of AnyValue in field 1). */
const anyValue = (f: Fields): unknown => {
  if (f.has(1)) return bytes(f, 1).toString('utf8');
  if (f.has(2)) return num(f, 2) !== 0;
  if (f.has(3)) return num(f, 3);
  if (f.has(4)) return bytes(f, 4).readDoubleLE(0);
  if (f.has(5)) return messages(messages(f, 5)[0] ?? new Map(), 1).map(anyValue);
  return undefined;
};

/** KeyValue list: key 1, AnyValue 2. */
const attributes = (kvs: Fields[]) =>
  Object.fromEntries(
    kvs.map((kv) => [bytes(kv, 1).toString('utf8'), anyValue(messages(kv, 2)[0] ?? new Map())]),
  );

/**
 * Decodes an `ExportTraceServiceRequest`: resource_spans 1 → (resource 1, scope_spans 2 →
 * spans 2); Span: trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, attributes 9,
 * status 15 (code 3).
 */
export const decodeTraceRequest = (body: Buffer): ReceivedSpan[] =>
  messages(fieldsOf(body), 1).flatMap((rs) => {
    const resource = attributes(messages(messages(rs, 1)[0] ?? new Map(), 1));
    const serviceName = resource['service.name'] as string | undefined;
    return messages(rs, 2).flatMap((ss) =>
      messages(ss, 2).map((s) => ({
        traceId: bytes(s, 1).toString('hex'),
        spanId: bytes(s, 2).toString('hex'),
        parentSpanId: bytes(s, 4).toString('hex'),
        name: bytes(s, 5).toString('utf8'),
        kind: num(s, 6),
        attributes: attributes(messages(s, 9)),
        statusCode: num(messages(s, 15)[0] ?? new Map(), 3),
        serviceName,
      })),
    );
  });
