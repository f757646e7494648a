// Alarm messages in the operator's language, from the key and values the engine attaches
// (messageKey, messageParams). Records written before that have only the English text: the
// older recogniser (alarmMessageParts) still covers their two commonest shapes.
import type { TFunction } from 'i18next';
import type { AlarmInstance } from '../../src-shared/alarms/types.ts';
import { QUANTITY_UNITS, type ThresholdQuantity } from '../../src-shared/alarms/rule-check.ts';
import { sourceText } from './alarms.ts';
import { formatNumber } from './format.ts';

export type QuantityKey = 'power' | 'current' | 'soc' | 'energy';
const QUANTITY_KEYS: Record<ThresholdQuantity, QuantityKey> = {
  'Power.Active.Import': 'power',
  'Current.Import': 'current',
  SoC: 'soc',
  'Energy.Active.Import.Register': 'energy',
};

export function quantityKey(quantity: unknown): QuantityKey | null {
  return typeof quantity === 'string' && Object.hasOwn(QUANTITY_KEYS, quantity) ? QUANTITY_KEYS[quantity as ThresholdQuantity] : null;
}

export function quantityUnit(quantity: unknown): string {
  return typeof quantity === 'string' && Object.hasOwn(QUANTITY_UNITS, quantity) ? QUANTITY_UNITS[quantity as ThresholdQuantity] : '';
}

/** Minutes as "45 min" or "26 h 5 min". */
export function minutesText(minutes: number): string {
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

type Texted = Pick<AlarmInstance, 'source' | 'message' | 'messageKey' | 'messageParams'>;

/** The alarm's message in the current language, or null when the alarm carries no key. */
export function translatedAlarmText(alarm: Texted, t: TFunction, locale: string): string | null {
  const key = alarm.messageKey;
  if (!key) return null;
  const p = alarm.messageParams ?? {};
  const source = sourceText(alarm.source);
  const str = (name: string): string => (p[name] === undefined ? '' : String(p[name]));
  const num = (name: string): string => (typeof p[name] === 'number' ? formatNumber(p[name], locale, Number.isInteger(p[name]) ? 0 : 2) : str(name));
  let text: string;
  switch (key) {
    case 'communicationLost':
      text = p.reason ? t('alarmTexts.communicationLostReason', { source, reason: str('reason') }) : t('alarmTexts.communicationLost', { source });
      break;
    case 'communicationSilent':
      text = t('alarmTexts.communicationSilent', { source, minutes: num('minutes'), missed: num('missed') });
      break;
    case 'faulted':
      text = t('alarmTexts.faulted', { source, status: str('status'), code: str('code') || '—' });
      break;
    case 'chargeStalled':
      text = t('alarmTexts.chargeStalled', { source, powerW: num('powerW'), minPowerW: num('minPowerW') });
      break;
    case 'transactionTooLong':
      text = t('alarmTexts.transactionTooLong', { source, transactionId: str('transactionId'), duration: minutesText(Number(p.minutes ?? 0)) });
      break;
    case 'noTransaction':
      text = t('alarmTexts.noTransaction', { source });
      break;
    case 'profileApplied':
      text = t('alarmTexts.profileApplied', { source });
      break;
    case 'profileNotApplied':
      text = p.detail ? t('alarmTexts.profileNotAppliedDetail', { source, detail: str('detail') }) : t('alarmTexts.profileNotApplied', { source });
      break;
    case 'firmwareStatus':
      text = t('alarmTexts.firmwareStatus', { source, status: str('status') });
      break;
    case 'diagnosticsStatus':
      text = t('alarmTexts.diagnosticsStatus', { source, status: str('status') });
      break;
    case 'threshold': {
      const q = quantityKey(p.quantity);
      const phase = str('phase');
      const quantity = `${q ? t(`alarmTexts.quantity.${q}`) : str('quantity')}${phase ? ` ${phase}` : ''}`;
      const comparison = p.comparison === 'below' ? t('alarmTexts.comparison.below') : t('alarmTexts.comparison.above');
      text = t('alarmTexts.threshold', { source, quantity, value: num('value'), unit: quantityUnit(p.quantity), comparison, threshold: num('threshold') });
      break;
    }
    case 'groupLoad':
      text = t('alarmTexts.groupLoad', { source, loadW: num('loadW'), limitW: num('limitW') });
      break;
    case 'securityEvent':
      text = p.techInfo ? t('alarmTexts.securityEventInfo', { source, eventType: str('eventType'), techInfo: str('techInfo') }) : t('alarmTexts.securityEvent', { source, eventType: str('eventType') });
      break;
    default:
      return null;
  }
  return p.ruleRemoved ? t('alarmTexts.ruleRemoved', { text }) : text;
}
