// Live alarm list: a snapshot from listAlarms (shelved included), then kept current by `alarm`
// events. An alarm whose state is 'cleared' has left the live list and is dropped here.
import { create } from 'zustand';
import type { AlarmInstance, CommandOutcome } from '../../src-shared/alarms/types.ts';
import type { DomainEvent } from '../../src-shared/domain/index.ts';
import { isNewAudibleRaise } from '../lib/alarms.ts';
import { api } from './client.ts';

type RaiseListener = (alarms: readonly AlarmInstance[]) => void;
const raiseListeners = new Set<RaiseListener>();

/** Called with the alarms newly raised at an audible severity (for the audible alert). */
export function onAudibleRaise(listener: RaiseListener): () => void {
  raiseListeners.add(listener);
  return () => raiseListeners.delete(listener);
}

function notify(raised: readonly AlarmInstance[]): void {
  if (raised.length === 0) return;
  for (const listener of raiseListeners) listener(raised);
}

interface AlarmsState {
  alarms: Record<string, AlarmInstance>;
  loaded: boolean;
  /** The last load failure (shown through describeError, in the operator's language). */
  error: unknown;
  load(): Promise<void>;
  applyEvents(events: readonly DomainEvent[]): void;
  acknowledge(alarmIds: string[], comment: string): Promise<CommandOutcome>;
  shelve(alarmIds: string[], minutes: number, reason: string): Promise<CommandOutcome>;
  unshelve(alarmIds: string[]): Promise<CommandOutcome>;
}

export const useAlarms = create<AlarmsState>((set, get) => ({
  alarms: {},
  loaded: false,
  error: null,

  async load() {
    try {
      const list = await api().call('listAlarms', { includeShelved: true });
      const before = get();
      const alarms = Object.fromEntries(list.filter((a) => a.state !== 'cleared').map((a) => [a.id, a]));
      set({ alarms, loaded: true, error: null });
      // After a reconnection, what was raised during the outage is news too (not on first load).
      if (before.loaded) notify(list.filter((a) => isNewAudibleRaise(before.alarms[a.id], a)));
    } catch (error) {
      set({ error });
    }
  },

  applyEvents(events) {
    let next: Record<string, AlarmInstance> | null = null;
    const raised: AlarmInstance[] = [];
    for (const event of events) {
      if (event.type !== 'alarm') continue;
      next ??= { ...get().alarms };
      const alarm = event.alarm;
      if (isNewAudibleRaise(next[alarm.id], alarm)) raised.push(alarm);
      if (alarm.state === 'cleared') delete next[alarm.id];
      else next[alarm.id] = alarm;
    }
    if (next) set({ alarms: next });
    notify(raised);
  },

  acknowledge: (alarmIds, comment) => api().call('acknowledgeAlarms', comment.trim() ? { alarmIds, comment: comment.trim() } : { alarmIds }),
  shelve: (alarmIds, minutes, reason) => api().call('shelveAlarms', { alarmIds, minutes, reason: reason.trim() }),
  unshelve: (alarmIds) => api().call('unshelveAlarms', { alarmIds }),
}));
