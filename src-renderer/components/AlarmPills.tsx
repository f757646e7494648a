// Severity and lifecycle badges of alarms. data-severity / data-state carry the raw values so
// tests do not depend on the language.
import { useTranslation } from 'react-i18next';
import type { AlarmSeverity, AlarmState } from '../../src-shared/alarms/types.ts';

export function SeverityPill(props: { severity: AlarmSeverity; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`pill sev sev-${props.severity}`} data-severity={props.severity} data-testid={props.testId}>
      <span className="pill-dot" aria-hidden="true" />
      {t(`alarms.severity.${props.severity}`)}
    </span>
  );
}

const STATE_TONE: Record<AlarmState, string> = {
  activeUnacknowledged: 'tone-fault alarm-unack',
  activeAcknowledged: 'tone-warn',
  clearedUnacknowledged: 'tone-info alarm-unack',
  cleared: 'tone-idle',
};

/** `short`: the compact wording of dense tables (the full one in the tooltip). */
export function AlarmStatePill(props: { state: AlarmState; testId?: string; short?: boolean }) {
  const { t } = useTranslation();
  const full = t(`alarms.state.${props.state}`);
  return (
    <span className={`pill ${STATE_TONE[props.state]}`} data-state={props.state} data-testid={props.testId} title={full}>
      <span className="pill-dot" aria-hidden="true" />
      {props.short ? t(`alarms.stateShort.${props.state}`) : full}
    </span>
  );
}
