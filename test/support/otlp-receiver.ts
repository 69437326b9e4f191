import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTraceRequest } from './otlp-protobuf';

/** One span as received, in either protocol: ids as lowercase hex, attributes as plain values. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP kind: 1 internal, 2 server, 3 client. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly serviceName: string | undefined;
}

type JsonValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: JsonValue[] };
};
type JsonKv = { key: string; value: JsonValue };
const jsonValue = (v: JsonValue): unknown =>
  v.stringValue ??
  v.boolValue ??
  (v.intValue !== undefined ? Number(v.intValue) : undefined) ??
  v.doubleValue ??
  v.arrayValue?.values?.map(jsonValue);
const jsonAttrs = (kvs: JsonKv[] | undefined) =>
  Object.fromEntries((kvs ?? []).map((kv) => [kv.key, jsonValue(kv.value)]));

interface JsonRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: JsonKv[] };
    scopeSpans?: Array<{
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: JsonKv[];
        status?: { code?: number };
      }>;
    }>;
  }>;
}

const fromJson = (body: JsonRequest): ReceivedSpan[] =>
  (body.resourceSpans ?? []).flatMap((rs) => {
    const serviceName = jsonAttrs(rs.resource?.attributes)['service.name'] as string | undefined;
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
        name: s.name,
        kind: s.kind,
        attributes: jsonAttrs(s.attributes),
        statusCode: s.status?.code ?? 0,
        serviceName,
      })),
    );
  });

/**
 * An OTLP/HTTP trace receiver on loopback (POST /v1/traces), for `http/json` and
 * `http/protobuf`: keeps every span it is sent and the content types they came in.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly contentTypes = new Set<string>();

  private constructor(private readonly server: Server) {}

  /** Starts on a free port. */
  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') {
          res.writeHead(404).end();
          return;
        }
        const type = String(req.headers['content-type'] ?? '');
        receiver.contentTypes.add(type);
        const body = Buffer.concat(chunks);
        const spans = type.includes('json')
          ? fromJson(JSON.parse(body.toString('utf8')) as JsonRequest)
          : decodeTraceRequest(body);
        receiver.spans.push(...spans);
        res.writeHead(200, { 'content-type': type }).end(type.includes('json') ? '{}' : '');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return receiver;
  }

  /** The traces endpoint's URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/traces`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
