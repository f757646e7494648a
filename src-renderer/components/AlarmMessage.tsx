// An alarm's message in the operator's language: from its key and values when it has them
// (translatedAlarmText), else when the UI recognises its shape (alarmMessageParts); the engine's
// own English wording stays in the tooltip.
import { useTranslation } from 'react-i18next';
import type { AlarmInstance } from '../../src-shared/alarms/types.ts';
import { alarmMessageParts } from '../lib/alarms.ts';
import { translatedAlarmText } from '../lib/alarm-texts.ts';
import { useLocale } from '../lib/hooks.ts';

type Texted = Pick<AlarmInstance, 'ruleKind' | 'source' | 'message' | 'messageKey' | 'messageParams'>;

export function useAlarmMessage(): (alarm: Texted) => string {
  const { t } = useTranslation();
  const locale = useLocale();
  return (alarm) => {
    const translated = translatedAlarmText(alarm, t, locale);
    if (translated !== null) return translated;
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

export function AlarmMessage(props: { alarm: Texted; className?: string; testId?: string }) {
  const text = useAlarmMessage()(props.alarm);
  return (
    <span className={props.className} title={props.alarm.message} data-testid={props.testId}>
      {text}
    </span>
  );
}
