import type { CallFacts } from '../../domain';
import type { CompletionDelta } from '../../ports';

/** The call a stream is for, announced with its first delta. */
export interface StreamStart {
  readonly callId: string;
  readonly level: CallFacts['level'];
  readonly model: string;
}

/** Where a streamed call's deltas go, and the signal that cancels it. */
export interface StreamSink {
  /** Once, just before the first delta: from here on the caller has an answer in progress. */
  onStart(start: StreamStart): void;
  onDelta(delta: CompletionDelta): void;
  /** Aborted when the caller cancels or goes away. */
  readonly signal: AbortSignal;
}

/** One call's stream: passes deltas on, announcing the call and timing the first delta. */
export class CallStream {
  /** Milliseconds from the call's start to its first delta; null until then. */
  ttftMs: number | null = null;

  constructor(
    private readonly sink: StreamSink,
    private readonly now: () => number,
    private readonly startedAt: number,
    private readonly facts: CallFacts,
  ) {}

  /** The caller's cancel signal. */
  get signal(): AbortSignal {
    return this.sink.signal;
  }

  /** True once a delta reached the caller. */
  get started(): boolean {
    return this.ttftMs !== null;
  }

  /** Sends one delta, announcing the call first if it is the first. */
  readonly deliver = (delta: CompletionDelta): void => {
    if (this.ttftMs === null) {
      this.ttftMs = this.now() - this.startedAt;
      const { callId, level, model } = this.facts;
      this.sink.onStart({ callId, level, model });
    }
    this.sink.onDelta(delta);
  };
}
