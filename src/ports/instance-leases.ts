import type { OpenIntent } from '../domain';

/**
 * Which service instances sharing one store are alive. Each instance holds a lease while it
 * runs; intents of an instance whose lease is gone are orphans, settled as `interrupted` by any
 * live instance. A live instance's intents are never orphans.
 */
export interface InstanceLeases {
  /** Takes this instance's lease; it is held until `release` or the process dies. */
  acquire(): Promise<void>;
  /** Renews the lease (and takes it again if the store lost it). */
  renew(): Promise<void>;
  /** Intents without an outcome whose instance is dead, oldest first, with their generation ids. */
  orphans(limit: number): Promise<readonly OpenIntent[]>;
  /** Gives the lease up: this instance has stopped. */
  release(): Promise<void>;
}
