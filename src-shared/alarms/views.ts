// Read-only views over alarm instances for the banner, the alarm list and the REST answers.
// They take plain instances (not the engine state) so the UI can use them on what the API sends.
import { ALARM_SEVERITIES, type AlarmInstance, type AlarmSeverity, type AlarmState } from './types.ts';

/** 0 for critical, growing towards info. */
export function severityRank(severity: AlarmSeverity): number {
  const rank = ALARM_SEVERITIES.indexOf(severity);
  return rank < 0 ? ALARM_SEVERITIES.length : rank;
}

export function isUnacknowledged(alarm: AlarmInstance): boolean {
  return alarm.state === 'activeUnacknowledged' || alarm.state === 'clearedUnacknowledged';
}

/** Most severe first; then unacknowledged before acknowledged; then newest first; then by id. */
export function compareAlarms(a: AlarmInstance, b: AlarmInstance): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    Number(isUnacknowledged(b)) - Number(isUnacknowledged(a)) ||
    b.raisedAt - a.raisedAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export interface AlarmFilter {
  states?: readonly AlarmState[];
  severities?: readonly AlarmSeverity[];
  siteIds?: readonly string[];
  stationIds?: readonly string[];
  /** Shelved alarms are hidden unless asked for. */
  includeShelved?: boolean;
}

export function listAlarms(alarms: Iterable<AlarmInstance>, filter: AlarmFilter = {}): AlarmInstance[] {
  const selected: AlarmInstance[] = [];
  for (const alarm of alarms) {
    if (!filter.includeShelved && alarm.shelving) continue;
    if (filter.states && !filter.states.includes(alarm.state)) continue;
    if (filter.severities && !filter.severities.includes(alarm.severity)) continue;
    if (filter.siteIds && (alarm.source.siteId === null || !filter.siteIds.includes(alarm.source.siteId))) continue;
    if (filter.stationIds && (alarm.source.stationId === null || !filter.stationIds.includes(alarm.source.stationId))) continue;
    selected.push(alarm);
  }
  return selected.sort(compareAlarms);
}

export interface AlarmBanner {
  /** Per severity, shelved alarms excluded. */
  counts: Record<AlarmSeverity, { active: number; unacknowledged: number }>;
  unacknowledged: number;
  shelved: number;
  /** What the banner shows and lets people acknowledge first. */
  mostSevereUnacknowledged: AlarmInstance | null;
}

export function alarmBanner(alarms: Iterable<AlarmInstance>): AlarmBanner {
  const counts = Object.fromEntries(ALARM_SEVERITIES.map((s) => [s, { active: 0, unacknowledged: 0 }])) as Record<AlarmSeverity, { active: number; unacknowledged: number }>;
  let unacknowledged = 0;
  let shelved = 0;
  let top: AlarmInstance | null = null;
  for (const alarm of alarms) {
    if (alarm.state === 'cleared') continue;
    if (alarm.shelving) {
      shelved += 1;
      continue;
    }
    const count = counts[alarm.severity];
    if (!count) continue;
    if (alarm.state === 'activeUnacknowledged' || alarm.state === 'activeAcknowledged') count.active += 1;
    if (isUnacknowledged(alarm)) {
      count.unacknowledged += 1;
      unacknowledged += 1;
      if (top === null || compareAlarms(alarm, top) < 0) top = alarm;
    }
  }
  return { counts, unacknowledged, shelved, mostSevereUnacknowledged: top };
}
