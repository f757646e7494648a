// Operator actions used from several screens (list and station page).
import type { TFunction } from 'i18next';
import type { ConnectorState, StationState } from '../../src-shared/domain/index.ts';
import { describeError } from '../lib/errors.ts';
import { outcomeTone } from '../lib/status.ts';
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
