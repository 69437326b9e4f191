import { Ajv2020 } from 'ajv/dist/2020';

type Json = Record<string, any>;

/** One server-sent event as received: its `event:` name (undefined when unnamed) and raw `data:`. */
export interface RawEvent {
  readonly event?: string | undefined;
  readonly data: string;
}

/**
 * Checks events of a real stream against what the OpenAPI document says the `text/event-stream`
 * answer of `path` carries: returns, for an event, the kind it matched (by its name, and its
 * `data` against the `contentSchema`), or throws saying why none did.
 */
export const streamEventChecker = (doc: Json, path: string) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const kinds: Json[] =
    doc.paths[path].post.responses['200'].content['text/event-stream'].schema.oneOf;
  const compiled = kinds.map((k) => {
    const data = k.properties.data;
    const content =
      data.contentSchema === undefined
        ? undefined
        : ajv.compile(
            JSON.parse(JSON.stringify(data.contentSchema).replace(/"#\//g, '"openapi#/')),
          );
    return { k, data, content };
  });
  return (e: RawEvent): { readonly event?: string; readonly description: string } => {
    const why: string[] = [];
    for (const { k, data, content } of compiled) {
      const name = k.properties.event?.const as string | undefined;
      if (name !== e.event) continue;
      if (data.const !== undefined) {
        if (e.data === data.const) return { event: name, description: k.description as string };
        why.push(`not ${data.const}`);
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(e.data);
      } catch {
        why.push('data is not JSON');
        continue;
      }
      if (content!(parsed)) return { event: name, description: k.description as string };
      why.push(`${k.description}: ${ajv.errorsText(content!.errors)}`);
    }
    throw new Error(
      `event ${e.event ?? '(unnamed)'} ${e.data} matches no documented kind: ${why.join('; ') || 'no kind of that name'}`,
    );
  };
};
