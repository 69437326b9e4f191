import type { ManifestEntry } from './archive';

/** What retention keeps (from `retention.*`). */
export interface RetentionSettings {
  /** Days of call records and events kept; 0 keeps them for ever. */
  readonly callsDays: number;
  /** Days answer text and tool calls are kept; 0 keeps them as long as their call. */
  readonly textDays?: number;
  /** Directory the dropped partitions are archived to; '' archives nothing. */
  readonly archiveDir: string;
}

/** One pass's request: the present it stands for, and whether to change anything. */
export interface RetentionRequest {
  readonly asOf: number;
  readonly dryRun?: boolean;
}

/** A day dropped (or, in a dry run, that would be). */
export interface DroppedDay {
  readonly from: string;
  readonly until: string;
  readonly eventRows: number;
  readonly callRows: number;
  readonly archived: readonly ManifestEntry[];
  /** How long the detach held the tables' lock, in ms (appends wait at most this). */
  readonly lockMs: number;
}

/** What a pass did (or, in a dry run, would do). */
export interface RetentionReport {
  /** False when another pass held the lock: this one did nothing. */
  readonly ran: boolean;
  readonly dryRun: boolean;
  readonly asOf: string;
  /** Calls and events before this are gone (null: nothing ever dropped). */
  readonly boundary: string | null;
  readonly created: readonly string[];
  readonly dropped: readonly DroppedDay[];
  /** Days left for a later pass, and why. */
  readonly skipped: ReadonlyArray<{ readonly from: string; readonly reason: string }>;
  readonly intentsPruned: number;
  readonly instancesPruned: number;
  /** Records whose answer text and tool calls were cleared (in a dry run: would be). */
  readonly textsCleared: number;
}
