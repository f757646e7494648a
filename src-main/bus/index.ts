// The in-process domain event bus: services publish, the API projection and (later) the
// allocation engine and alarms subscribe. Kept narrow so it can move onto MQTT later.
import type { DomainEvent } from '../../src-shared/domain/index.ts';

export type DomainListener = (event: DomainEvent) => void;

export class DomainBus {
  private readonly listeners = new Set<DomainListener>();

  subscribe(listener: DomainListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // One faulty subscriber must not stop the others or the publisher.
        console.error('domain event listener failed', error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
