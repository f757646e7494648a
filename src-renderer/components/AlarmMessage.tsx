// An alarm's message in the operator's language when the UI knows its shape (see alarmMessageParts);
// the engine's own wording stays in the tooltip.
import { useTranslation } from 'react-i18next';
import type { AlarmInstance } from '../../src-shared/alarms/types.ts';
import { alarmMessageParts } from '../lib/alarms.ts';

export function useAlarmMessage(): (alarm: Pick<AlarmInstance, 'ruleKind' | 'source' | 'message'>) => string {
  const { t } = useTranslation();
  return (alarm) => {
    const parts = alarmMessageParts(alarm);
    switch (parts.key) {
      case 'communicationLost':
        return parts.reason ? t('alarms.messages.communicationLostReason', { source: parts.source, reason: parts.reason }) : t('alarms.messages.communicationLost', { source: parts.source });
      case 'faulted':
        return t('alarms.messages.faulted', { source: parts.source, code: parts.code });
      default:
        return parts.text;
    }
  };
}

export function AlarmMessage(props: { alarm: Pick<AlarmInstance, 'ruleKind' | 'source' | 'message'>; className?: string; testId?: string }) {
  const text = useAlarmMessage()(props.alarm);
  return (
    <span className={props.className} title={props.alarm.message} data-testid={props.testId}>
      {text}
    </span>
  );
}
