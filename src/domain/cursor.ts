/** A position in the newest-first listing of call records: (created_at, id). */
export interface CallCursor {
  readonly createdAt: string;
  readonly id: string;
}

/** Encodes a cursor, opaque to clients. */
export const encodeCursor = (c: CallCursor): string =>
  Buffer.from(`${c.createdAt}|${c.id}`, 'utf8').toString('base64url');

/** Decodes a cursor; undefined when it is not one this service made. */
export const decodeCursor = (s: string): CallCursor | undefined => {
  const [createdAt, id, extra] = Buffer.from(s, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || extra !== undefined || Number.isNaN(Date.parse(createdAt))) {
    return undefined;
  }
  return { createdAt, id };
};
