import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkAlarmRule } from '../../src-shared/alarms/rule-check.ts';
import type { AlarmInstance, AlarmRule } from '../../src-shared/alarms/types.ts';
import { en } from '../i18n/en.ts';
import { fr } from '../i18n/fr.ts';
import { problemText, rulePreview } from './alarm-rules.ts';
import { translatedAlarmText } from './alarm-texts.ts';

let tEn: TFunction;
let tFr: TFunction;
beforeAll(async () => {
  const instance = i18next.createInstance();
  await instance.init({ resources: { en: { translation: en }, fr: { translation: fr } }, lng: 'en', interpolation: { escapeValue: false } });
  tEn = instance.getFixedT('en');
  tFr = instance.getFixedT('fr');
});

const STALLED_POWER: AlarmRule = {
  id: 'p1',
  kind: 'measurementThreshold',
  name: 'P1',
  severity: 'minor',
  quantity: 'Power.Active.Import',
  comparison: 'below',
  threshold: 100,
  hysteresis: 0,
  onDelayMs: 300_000,
  scope: { stationIds: ['P1-CP01'] },
};

describe('rule preview', () => {
  test('says a threshold rule in words, in English and in French', () => {
    expect(rulePreview(STALLED_POWER, tEn, 'en-GB')).toBe('Power of P1-CP01 below 100 W for 5 min');
    expect(rulePreview(STALLED_POWER, tFr, 'fr-FR')).toBe('Puissance de P1-CP01 en dessous de 100 W pendant 5 min');
  });

  test('says the stalled-charge default with its stall time, and the automatic action and its bound', () => {
    const rule: AlarmRule = {
      id: 'stalled',
      kind: 'chargeStalled',
      name: 'Stalled',
      severity: 'minor',
      minPowerW: 100,
      stalledForMs: 600_000,
      automaticActions: { steps: [{ kind: 'reset', type: 'soft' }], maxAttempts: 2, spacingMs: 60_000, recoveryMs: 0, raise: 'immediately' },
    };
    expect(rulePreview(rule, tEn, 'en-GB')).toBe('Power of every station below 100 W for 10 min while charging; then soft reset, at most 2 times, 1 min apart');
  });

  test('marks a switched-off rule and a delay of 0 as at once', () => {
    expect(rulePreview({ ...STALLED_POWER, onDelayMs: 0, enabled: false, scope: { siteIds: ['north'] } }, tEn, 'en-GB')).toBe(
      'Power of the stations of site north below 100 W for 0 s (at once) (switched off)',
    );
  });
});

describe('problems and alarm texts in the operator language', () => {
  test('a checker problem names the field in French', () => {
    const [problem] = checkAlarmRule({ ...STALLED_POWER, threshold: 'x' }, { otherRuleIds: [] });
    expect(problem && problemText(problem, tFr)).toBe('Seuil : doit être un nombre');
    expect(problem && problemText(problem, tEn)).toBe('Threshold: must be a number');
  });

  test('a threshold alarm and a cleared-by-deletion alarm read in French', () => {
    const alarm: Pick<AlarmInstance, 'source' | 'message' | 'messageKey' | 'messageParams'> = {
      source: { stationId: 'P1-CP01', evseId: 1, connectorId: 1, groupId: null, siteId: null, detail: null },
      message: 'P1-CP01 connector 1: Power.Active.Import = 7400.5 (above 1)',
      messageKey: 'threshold',
      messageParams: { quantity: 'Power.Active.Import', phase: '', value: 7400.5, comparison: 'above', threshold: 1 },
    };
    expect(translatedAlarmText(alarm, tFr, 'fr-FR')?.replace(/\u202f|\u00a0/g, ' ')).toBe('P1-CP01 · 1 : puissance 7 400,50 W (au-dessus de 1 W)');
    expect(translatedAlarmText({ ...alarm, messageKey: 'communicationLost', messageParams: { ruleRemoved: 1 } }, tFr, 'fr-FR')).toBe(
      'P1-CP01 · 1 : communication perdue (règle supprimée ou désactivée)',
    );
    expect(translatedAlarmText({ ...alarm, messageKey: undefined }, tFr, 'fr-FR')).toBeNull();
  });
});
