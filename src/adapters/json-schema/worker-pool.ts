import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SchemaJob, SchemaReply } from './schema-job';

/** How a job ended: its reply, or `overran` (past the deadline, or its worker died). */
export type JobOutcome =
  { readonly done: true; readonly reply: SchemaReply } | { readonly done: false };

interface Slot {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  busy: boolean;
}

interface Queued {
  readonly job: Omit<SchemaJob, 'id'>;
  readonly resolve: (o: JobOutcome) => void;
}

/**
 * A new schema worker: the built `schema-worker.js` beside this file, or, when running from
 * sources (tsx, jest), `schema-worker.ts` required through tsx's CommonJS hook.
 */
const newWorker = (): Worker => {
  const options = { resourceLimits: { maxOldGenerationSizeMb: 128 } };
  const ext = extname(__filename);
  const file = join(__dirname, `schema-worker${ext}`);
  if (ext !== '.ts') return new Worker(file, options);
  const boot = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(file)});`;
  return new Worker(boot, { ...options, eval: true });
};

/**
 * A few schema worker threads, started when first needed, each running one job at a time.
 * A job gets `deadlineMs` from the moment its worker starts it (a queue wait or a worker's
 * start does not count); a worker that overruns is terminated, and a new one takes its place
 * for the next job. Workers are unref'd: an idle pool never keeps the process alive.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly deadlineMs: number,
  ) {}

  /** Runs one job on a free worker. */
  run(job: Omit<SchemaJob, 'id'>): Promise<JobOutcome> {
    if (this.closed) return Promise.resolve({ done: false });
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.dispatch();
    });
  }

  /** Terminates every worker; jobs still queued end `overran`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.resolve({ done: false });
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.busy) ?? this.spawn();
      if (!slot) return;
      const next = this.queue.shift()!;
      slot.busy = true;
      void slot.ready.then(
        () => this.start(slot, next),
        () => this.start(slot, next),
      );
    }
  }

  private spawn(): Slot | undefined {
    if (this.slots.length >= this.size || this.closed) return undefined;
    const worker = newWorker();
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', reject);
    });
    const slot: Slot = { worker, ready, busy: false };
    // A worker that dies is dropped; its job (if any) ends through its own listeners.
    worker.on('error', () => this.drop(slot));
    worker.on('exit', () => this.drop(slot));
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, { job, resolve }: Queued): void {
    if (!this.slots.includes(slot)) {
      resolve({ done: false });
      return;
    }
    const id = this.nextId++;
    const { worker } = slot;
    const finish = (outcome: JobOutcome): void => {
      clearTimeout(timer);
      worker.off('message', onReply).off('exit', onExit);
      resolve(outcome);
      if (outcome.done) slot.busy = false;
      this.dispatch();
    };
    const onReply = (reply: SchemaReply): void => {
      if (reply.id === id) finish({ done: true, reply });
    };
    const onExit = (): void => finish({ done: false });
    const timer = setTimeout(() => {
      this.drop(slot);
      void worker.terminate();
      finish({ done: false });
    }, this.deadlineMs);
    worker.on('message', onReply).once('exit', onExit);
    worker.postMessage({ ...job, id } satisfies SchemaJob);
  }

  private drop(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i !== -1) this.slots.splice(i, 1);
  }
}
