// Operator actions used from several screens (list and station page).
import type { TFunction } from 'i18next';
import type { AlarmInstance, CommandOutcome } from '../../src-shared/alarms/types.ts';
import type { ConnectorState, StationState } from '../../src-shared/domain/index.ts';
import { sourceText, summariseOutcome } from '../lib/alarms.ts';
import { describeError } from '../lib/errors.ts';
import { outcomeTone } from '../lib/status.ts';
import { useAlarms } from '../store/alarms.ts';
import { api } from '../store/client.ts';
import { confirmAction } from '../store/confirm.ts';
import { useStations } from '../store/stations.ts';
import { useToasts } from '../store/toasts.ts';

/** Asks for confirmation, sends a remote stop and reports the station's answer. */
export async function stopCharge(station: StationState, connector: ConnectorState, t: TFunction): Promise<void> {
  const transactionId = connector.transactionId;
  if (transactionId === null) return;
  const ok = await confirmAction({
    title: t('stations.confirmStop.title'),
    message: t('stations.confirmStop.message', { stationId: station.id, evseId: connector.evseId, transactionId, idTag: connector.idTag ?? t('common.none') }),
    confirmLabel: t('stations.confirmStop.confirm'),
    danger: true,
  });
  if (!ok) return;
  const push = useToasts.getState().push;
  try {
    const result = await api().call('sendCommand', { stationId: station.id, command: { kind: 'remoteStop', transactionId } });
    const status = result.detail ? `${result.status} (${result.detail})` : result.status;
    push(outcomeTone(result.outcome), t('stations.stopResult', { stationId: station.id, evseId: connector.evseId, status }));
  } catch (error) {
    push('fault', describeError(error, t));
  }
}

export async function decideRegistration(stationId: string, decision: 'accept' | 'reject', t: TFunction): Promise<void> {
  const push = useToasts.getState().push;
  try {
    const station = await useStations.getState().setRegistration(stationId, decision);
    push(decision === 'accept' ? 'ok' : 'warn', t('stations.registrationResult', { stationId, registration: t(`registration.${station.registration}`) }));
  } catch (error) {
    push('fault', describeError(error, t));
  }
}

type AlarmVerb = 'acknowledged' | 'shelved' | 'unshelved';

/** Reports an alarm command's answer: how many were accepted, and the refusals with their reasons. */
function reportAlarmOutcome(verb: AlarmVerb, outcome: CommandOutcome, t: TFunction): void {
  const push = useToasts.getState().push;
  const s = summariseOutcome(outcome);
  if (s.accepted > 0) push('ok', t(`alarms.results.${verb}`, { count: s.accepted }));
  if (s.refused > 0) push('warn', t('alarms.results.refused', { count: s.refused, reasons: s.reasons.map((r) => (isRefusal(r) ? t(`alarms.refusal.${r}`) : r)).join(', ') }));
}

const REFUSALS = ['unknownAlarm', 'operatorRequired', 'alreadyAcknowledged', 'reasonRequired', 'invalidDuration', 'notShelved'] as const;
function isRefusal(reason: string): reason is (typeof REFUSALS)[number] {
  return (REFUSALS as readonly string[]).includes(reason);
}

/** Sends an alarm command and reports its result; resolves true when at least one alarm was accepted. */
export async function runAlarmCommand(verb: AlarmVerb, send: () => Promise<CommandOutcome>, t: TFunction): Promise<boolean> {
  try {
    const outcome = await send();
    reportAlarmOutcome(verb, outcome, t);
    return outcome.accepted.length > 0;
  } catch (error) {
    useToasts.getState().push('fault', describeError(error, t));
    return false;
  }
}

/** One-click acknowledgement (banner, shortcut, station page): no comment, the result as a toast. */
export async function acknowledgeOne(alarm: AlarmInstance, t: TFunction): Promise<boolean> {
  try {
    const outcome = await useAlarms.getState().acknowledge([alarm.id], '');
    if (outcome.accepted.includes(alarm.id)) {
      useToasts.getState().push('ok', t('alarms.acknowledgedOne', { source: sourceText(alarm.source), message: alarm.message }), 4000);
      return true;
    }
    reportAlarmOutcome('acknowledged', outcome, t);
    return false;
  } catch (error) {
    useToasts.getState().push('fault', describeError(error, t));
    return false;
  }
}

/** Soft reset after confirmation (ground-plan popover); the station's answer as a toast. */
export async function softReset(station: StationState, t: TFunction): Promise<void> {
  const ok = await confirmAction({
    title: t('commands.reset.confirmTitle', { stationId: station.id }),
    message: t('commands.reset.confirmSoft'),
    confirmLabel: t('commands.reset.submit'),
    danger: true,
  });
  if (!ok) return;
  const push = useToasts.getState().push;
  try {
    const result = await api().call('sendCommand', { stationId: station.id, command: { kind: 'reset', type: 'soft' } });
    push(outcomeTone(result.outcome), t('groundPlan.resetResult', { stationId: station.id, status: result.detail ? `${result.status} (${result.detail})` : result.status }));
  } catch (error) {
    push('fault', describeError(error, t));
  }
}

/** Unlocks one connector after confirmation (ground-plan popover). */
export async function unlockConnector(station: StationState, connector: ConnectorState, t: TFunction): Promise<void> {
  const ok = await confirmAction({
    title: t('groundPlan.confirmUnlock.title', { stationId: station.id, evseId: connector.evseId }),
    message: t('groundPlan.confirmUnlock.message'),
    confirmLabel: t('commands.unlock.submit'),
    danger: true,
  });
  if (!ok) return;
  const push = useToasts.getState().push;
  try {
    const result = await api().call('sendCommand', { stationId: station.id, command: { kind: 'unlock', evseId: connector.evseId, connectorId: connector.connectorId } });
    push(outcomeTone(result.outcome), t('groundPlan.unlockResult', { stationId: station.id, evseId: connector.evseId, status: result.status }));
  } catch (error) {
    push('fault', describeError(error, t));
  }
}
