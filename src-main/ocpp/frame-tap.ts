// Live OCPP frames for the station page's message log. A frame becomes a domain event only
// while at least one client watches its station, so a park of thousands of stations costs
// nothing when nobody looks; the host forwards each event only to the clients watching.
import type { DomainEvent } from '../../src-shared/domain/index.ts';
import { maskFrameSecrets } from './secrets.ts';

/** Frames longer than this are cut (as in the archive's log): the log is for reading. */
const MAX_FRAME_CHARS = 8192;

export class FrameTap {
  private readonly watchers = new Map<string, number>();
  private readonly publish: (event: DomainEvent) => void;

  constructor(publish: (event: DomainEvent) => void) {
    this.publish = publish;
  }

  /** Starts watching a station; returns the function that stops this watch. */
  watch(stationId: string): () => void {
    this.watchers.set(stationId, (this.watchers.get(stationId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.watchers.get(stationId) ?? 1) - 1;
      if (left > 0) this.watchers.set(stationId, left);
      else this.watchers.delete(stationId);
    };
  }

  watched(stationId: string): boolean {
    return this.watchers.has(stationId);
  }

  /** Called by each connection for every frame in or out. */
  frame(stationId: string, direction: 'in' | 'out', frame: string): void {
    if (!this.watchers.has(stationId)) return;
    const masked = maskFrameSecrets(frame);
    const text = masked.length > MAX_FRAME_CHARS ? `${masked.slice(0, MAX_FRAME_CHARS)}…` : masked;
    this.publish({ type: 'ocppFrame', frame: { stationId, direction, frame: text, at: new Date().toISOString() } });
  }
}

/** The stations one client connection watches (at most `limit`); released together when it closes. */
export class FrameWatches {
  private readonly releases = new Map<string, () => void>();
  private readonly tap: FrameTap;
  readonly limit: number;

  constructor(tap: FrameTap, limit = 16) {
    this.tap = tap;
    this.limit = limit;
  }

  /** Returns false when the connection already watches `limit` other stations. */
  add(stationId: string): boolean {
    if (this.releases.has(stationId)) return true;
    if (this.releases.size >= this.limit) return false;
    this.releases.set(stationId, this.tap.watch(stationId));
    return true;
  }

  remove(stationId: string): void {
    this.releases.get(stationId)?.();
    this.releases.delete(stationId);
  }

  has(stationId: string): boolean {
    return this.releases.has(stationId);
  }

  list(): string[] {
    return [...this.releases.keys()].sort();
  }

  clear(): void {
    for (const release of this.releases.values()) release();
    this.releases.clear();
  }
}
