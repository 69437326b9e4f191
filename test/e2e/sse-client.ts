import { createParser } from 'eventsource-parser';

/** One server-sent event as a test reads it. */
export interface SseEvent {
  readonly event: string;
  readonly data: any;
}

/** Reads an event stream to its end: its events (data parsed as JSON) and its comments. */
export const readSse = async (res: Response) => {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent: (e) => events.push({ event: e.event ?? 'message', data: JSON.parse(e.data) }),
    onComment: (c) => comments.push(c.trim()),
  });
  parser.feed(await res.text());
  return { events, comments };
};

/**
 * Reads events one at a time from a live response, so a test can act between them (e.g. go
 * away after the first delta).
 */
export const sseReader = (res: Response) => {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const ready: SseEvent[] = [];
  const parser = createParser({
    onEvent: (e) => ready.push({ event: e.event ?? 'message', data: JSON.parse(e.data) }),
  });
  return {
    /** The next event, or undefined when the stream ended. */
    next: async (): Promise<SseEvent | undefined> => {
      while (ready.length === 0) {
        const { value, done } = await reader.read();
        if (done) return undefined;
        parser.feed(decoder.decode(value, { stream: true }));
      }
      return ready.shift();
    },
    cancel: () => reader.cancel(),
  };
};
