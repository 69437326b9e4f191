import type { Clock, LlmGateway } from '../ports';
import type { Logger } from './logger';

/** How to build the service. */
export interface ServiceOptions {
  /** A config.yaml to read (default `CONFIG_PATH`, else `./config.yaml`). */
  readonly configPath?: string;
  /** Configuration values as in config.yaml, instead of a file. */
  readonly config?: unknown;
  /** Environment for overrides; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Keep the call log and projections in memory (no database). */
  readonly memory?: boolean;
  /** Replaces the upstream gateway (tests, demos). */
  readonly gateway?: LlmGateway;
  /** Replaces the clock (tests). */
  readonly clock?: Clock;
  /** A logger; default silent for library use. */
  readonly logger?: Logger;
  /** Skip the start-up health check and background refreshes (tests). */
  readonly background?: boolean;
}
