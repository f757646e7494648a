// Pure helpers of the alarm screens and the banner: filters, what is "new", labels, CSV rows.
// The ordering and the banner model come from src-shared/alarms (the same code as the server).
import { isUnacknowledged, listAlarms, type AlarmFilter } from '../../src-shared/alarms/views.ts';
import type { AlarmInstance, AlarmSeverity, AlarmSource, AlarmState, AlarmTransition } from '../../src-shared/alarms/types.ts';

export { ALARM_SEVERITIES, ALARM_STATES } from '../../src-shared/alarms/types.ts';
export { alarmBanner, compareAlarms, isUnacknowledged, listAlarms, severityRank } from '../../src-shared/alarms/views.ts';

/** Severities that sound the audible alert when the operator has switched it on. */
export const AUDIBLE_SEVERITIES: readonly AlarmSeverity[] = ['critical', 'major'];

/** The state filter of the alarm list: one lifecycle state, every unacknowledged one, or the shelved ones. */
export type AlarmStateFilter = 'all' | 'unacknowledged' | 'shelved' | Exclude<AlarmState, 'cleared'>;
export const ALARM_STATE_FILTERS: readonly AlarmStateFilter[] = ['all', 'unacknowledged', 'activeUnacknowledged', 'activeAcknowledged', 'clearedUnacknowledged', 'shelved'];

export interface AlarmListFilter {
  severities: readonly AlarmSeverity[];
  state: AlarmStateFilter;
  /** Substring of the station id (case-insensitive); empty = all. */
  station: string;
  /** Site id; empty = all. */
  site: string;
}

export const EMPTY_ALARM_FILTER: AlarmListFilter = { severities: [], state: 'all', station: '', site: '' };

/** The alarms of the list as the filter selects them, in the engine's order (most severe first). */
export function filterAlarms(alarms: Iterable<AlarmInstance>, filter: AlarmListFilter): AlarmInstance[] {
  const base: AlarmFilter = { includeShelved: filter.state === 'all' || filter.state === 'shelved' };
  if (filter.severities.length > 0) base.severities = filter.severities;
  if (filter.site) base.siteIds = [filter.site];
  if (filter.state === 'unacknowledged') base.states = ['activeUnacknowledged', 'clearedUnacknowledged'];
  else if (filter.state !== 'all' && filter.state !== 'shelved') base.states = [filter.state];
  const needle = filter.station.trim().toLowerCase();
  return listAlarms(alarms, base).filter(
    (a) => a.state !== 'cleared' && (filter.state !== 'shelved' || a.shelving !== null) && (!needle || (a.source.stationId ?? '').toLowerCase().includes(needle)),
  );
}

/** The unacknowledged alarm raised last (not shelved): what the global shortcut acknowledges. */
export function newestUnacknowledged(alarms: Iterable<AlarmInstance>): AlarmInstance | null {
  let newest: AlarmInstance | null = null;
  for (const a of alarms) {
    if (a.state === 'cleared' || a.shelving || !isUnacknowledged(a)) continue;
    if (newest === null || a.raisedAt > newest.raisedAt || (a.raisedAt === newest.raisedAt && a.id > newest.id)) newest = a;
  }
  return newest;
}

/**
 * Whether `next` is a fresh raise the operator must hear about: active, unacknowledged, not
 * shelved, audible severity, and either unknown before or raised again since.
 */
export function isNewAudibleRaise(previous: AlarmInstance | undefined, next: AlarmInstance): boolean {
  if (next.state !== 'activeUnacknowledged' || next.shelving || !AUDIBLE_SEVERITIES.includes(next.severity)) return false;
  return previous === undefined || previous.state !== 'activeUnacknowledged' || previous.raisedAt !== next.raisedAt;
}

/** Site ids present in the alarms (the site filter offers only those). */
export function sitesOf(alarms: Iterable<AlarmInstance>): string[] {
  const sites = new Set<string>();
  for (const a of alarms) if (a.source.siteId) sites.add(a.source.siteId);
  return [...sites].sort();
}

/** "DEMO-AC-01 · 2" (station, EVSE), the group for group alarms, "—" otherwise. */
export function sourceText(source: AlarmSource): string {
  if (source.stationId) return source.evseId !== null && source.evseId > 0 ? `${source.stationId} · ${source.evseId}` : source.stationId;
  if (source.groupId) return source.groupId;
  return source.siteId ?? '—';
}

/** Epoch ms → ISO text for the shared date formatters (null stays null). */
export function msToIso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

/** The acknowledgement or shelving answer in a few words for a toast: accepted count and refusals by reason. */
export function summariseOutcome(outcome: { accepted: readonly string[]; refused: readonly { alarmId: string; reason: string }[] }): { accepted: number; refused: number; reasons: string[] } {
  return { accepted: outcome.accepted.length, refused: outcome.refused.length, reasons: [...new Set(outcome.refused.map((r) => r.reason))] };
}

/** Whether a transition row is an operator action (acknowledgement, shelving), for highlighting. */
export function isOperatorTransition(t: AlarmTransition): boolean {
  return t.operator !== null && t.operator !== '';
}

/**
 * The engine writes its messages in English. The two that make up nearly every alarm of a park
 * (communication lost, faulted) are recognised and given back as a key and values so the UI can
 * say them in the operator's language; anything else is shown as the engine wrote it.
 */
export type AlarmMessageParts =
  | { key: 'communicationLost'; source: string; reason: string | null }
  | { key: 'faulted'; source: string; code: string }
  | { key: null; text: string };

export function alarmMessageParts(alarm: Pick<AlarmInstance, 'ruleKind' | 'source' | 'message'>): AlarmMessageParts {
  const source = sourceText(alarm.source);
  if (alarm.ruleKind === 'communicationLost') {
    const m = /^[^:]+: communication lost(?: \((.+)\))?$/.exec(alarm.message);
    if (m) return { key: 'communicationLost', source, reason: m[1] ?? null };
  } else if (alarm.ruleKind === 'connectorFaulted') {
    const m = /^.+: Faulted \((.+)\)$/.exec(alarm.message);
    if (m) return { key: 'faulted', source, code: m[1] === 'no error code' ? '—' : (m[1] ?? '—') };
  }
  return { key: null, text: alarm.message };
}
