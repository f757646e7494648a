// Coloured state badges. data-status carries the raw state so tests do not depend on language.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorStatus } from '../../src-shared/domain/index.ts';
import { connectorTone, type Tone } from '../lib/status.ts';

export function Pill(props: { tone: Tone; children: ReactNode; testId?: string; title?: string; status?: string }) {
  return (
    <span className={`pill tone-${props.tone}`} data-testid={props.testId} data-status={props.status} title={props.title}>
      <span className="pill-dot" aria-hidden="true" />
      {props.children}
    </span>
  );
}

export function StatusBadge(props: { status: ConnectorStatus; online?: boolean; testId?: string; errorCode?: string | null }) {
  const { t } = useTranslation();
  const online = props.online ?? true;
  const label = t(`status.${props.status}`);
  const title = [label, props.errorCode && props.errorCode !== 'NoError' ? props.errorCode : null, online ? null : t('link.offline')].filter(Boolean).join(' · ');
  return (
    <Pill tone={connectorTone(props.status, online)} testId={props.testId} status={props.status} title={title}>
      {label}
    </Pill>
  );
}

export function LinkBadge(props: { connected: boolean; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Pill tone={props.connected ? 'ok' : 'fault'} testId={props.testId} status={props.connected ? 'online' : 'offline'}>
      {props.connected ? t('link.online') : t('link.offline')}
    </Pill>
  );
}
