/** A job for a schema worker: compile `schema` (kept under `key`), and check `json` if given. */
export interface SchemaJob {
  readonly id: number;
  readonly key: string;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly json?: string;
}

/** A worker's answer: why the schema does not compile, or the reply's first violation. */
export interface SchemaReply {
  readonly id: number;
  readonly problem: string | undefined;
}
