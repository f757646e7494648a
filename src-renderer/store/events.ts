// Wires the client to the stores: batches domain events per animation frame (hundreds of
// stations publish several times a second) and reloads snapshots after every reconnection.
// Screens with their own server data (history, transaction pages) reload when the link opens.
import type { DomainEvent } from '../../src-shared/domain/index.ts';
import type { SupervisorClient } from '../api/types.ts';
import { useAlarms } from './alarms.ts';
import { useArchiveHealth } from './archive.ts';
import { useBadges } from './badges.ts';
import { useCommands } from './commands.ts';
import { useConnection } from './connection.ts';
import { useGroundPlans } from './groundPlans.ts';
import { useReservations } from './reservations.ts';
import { useProject } from './project.ts';
import { useSession } from './session.ts';
import { useSites } from './sites.ts';
import { useStations } from './stations.ts';
import { useSymbols } from './symbols.ts';

type Listener = (events: readonly DomainEvent[]) => void;
const extraListeners = new Set<Listener>();

/** Lets a screen react to event batches (e.g. refresh a server-side page). */
export function onEventBatch(listener: Listener): () => void {
  extraListeners.add(listener);
  return () => extraListeners.delete(listener);
}

/** Reloads the stores built from the project, those that have been loaded. */
function reloadProjectViews(): void {
  if (useSymbols.getState().loaded) void useSymbols.getState().load();
  if (useGroundPlans.getState().loaded) void useGroundPlans.getState().load();
  if (useProject.getState().loaded) void useProject.getState().reload();
  if (useSites.getState().loaded) void useSites.getState().load();
}

export function connectStores(client: SupervisorClient): () => void {
  let queue: DomainEvent[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    useStations.getState().applyEvents(batch);
    useCommands.getState().applyEvents(batch);
    useBadges.getState().applyEvents(batch);
    useAlarms.getState().applyEvents(batch);
    useArchiveHealth.getState().applyEvents(batch);
    useReservations.getState().applyEvents(batch);
    // Another project version runs: what is drawn from the project is read again.
    if (batch.some((e) => e.type === 'projectApplied')) reloadProjectViews();
    // A version saved elsewhere and not applied (yet): the project screen's version list follows.
    else if (batch.some((e) => e.type === 'projectSaved') && useProject.getState().loaded) void useProject.getState().reload();
    for (const listener of extraListeners) listener(batch);
  };
  const offEvent = client.onEvent((event) => {
    queue.push(event);
    if (scheduled) return;
    scheduled = true;
    // rAF pauses in hidden tabs; a timer keeps the model current for when the tab returns.
    if (document.visibilityState === 'visible') requestAnimationFrame(flush);
    else setTimeout(flush, 250);
  });

  let wasOpen = false;
  const offState = client.onState((info) => {
    const open = info.status === 'open';
    useConnection.setState({ ...info, lostAt: open ? null : wasOpen ? Date.now() : useConnection.getState().lostAt });
    if (open && !wasOpen) {
      void useSession.getState().refresh();
      void useStations.getState().load();
      void useBadges.getState().load();
      void useAlarms.getState().load();
      void useArchiveHealth.getState().load();
      if (useReservations.getState().loaded) void useReservations.getState().load();
    }
    wasOpen = open;
  });
  return () => {
    offEvent();
    offState();
  };
}
