// Settings (to come) plus what the operator needs today: the server's identity and OCPP URL.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServerInfo } from '../../src-shared/api/index.ts';
import { Panel } from '../components/Field.tsx';
import { describeError } from '../lib/errors.ts';
import { DASH, formatDateTime } from '../lib/format.ts';
import { useLocale } from '../lib/hooks.ts';
import { api } from '../store/client.ts';
import { useConnection } from '../store/connection.ts';
import { useMayUse } from '../store/session.ts';
import { AccountsPanel } from './AccountsPanel.tsx';
import { AuditPanel } from './AuditPanel.tsx';
import { PlaceholderView } from './PlaceholderView.tsx';

type SettingsTab = 'server' | 'accounts' | 'audit';

export function SettingsView() {
  const { t } = useTranslation();
  const locale = useLocale();
  const connected = useConnection((s) => s.status === 'open');
  const transport = useConnection((s) => s.transport);
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<SettingsTab>('server');
  const mayAccounts = useMayUse('listAccounts');
  const mayAudit = useMayUse('listAudit');
  const tabs: SettingsTab[] = ['server', ...(mayAccounts ? (['accounts'] as const) : []), ...(mayAudit ? (['audit'] as const) : [])];
  const shown: SettingsTab = tabs.includes(tab) ? tab : 'server';
  useEffect(() => {
    if (!connected) return;
    let live = true;
    api()
      .call('getServerInfo', {})
      .then(
        (i) => live && setInfo(i),
        (e: unknown) => live && setError(describeError(e, t)),
      );
    return () => {
      live = false;
    };
  }, [connected, t]);
  const rows: [string, string][] = info
    ? [
        [t('settings.name'), info.name],
        [t('settings.version'), info.version],
        [t('settings.project'), info.projectName ?? DASH],
        [t('settings.ocppUrl'), info.ocppUrl],
        [t('settings.startedAt'), formatDateTime(info.startedAt, locale)],
        [t('settings.autoAccept'), info.autoAccept ? t('common.yes') : t('common.no')],
        [t('settings.transport'), t(`header.transport.${transport}`)],
      ]
    : [];
  return (
    <PlaceholderView view="settings">
      {tabs.length > 1 ? (
        <div className="tabs" role="tablist" aria-label={t('nav.settings')}>
          {tabs.map((x) => (
            <button key={x} type="button" role="tab" aria-selected={shown === x} className={`tab ${shown === x ? 'active' : ''}`} onClick={() => setTab(x)} data-testid={`settings-tab-${x}`}>
              {t(`settings.tabs.${x}`)}
            </button>
          ))}
        </div>
      ) : null}
      {shown === 'accounts' ? <AccountsPanel /> : null}
      {shown === 'audit' ? <AuditPanel /> : null}
      {shown === 'server' ? (
      <Panel title={t('settings.server')} className="narrow-panel" testId="server-info">
        {error ? <p className="notice tone-fault">{error}</p> : null}
        {info ? (
          <dl className="facts">
            {rows.map(([label, value]) => (
              <div key={label} className="fact">
                <dt>{label}</dt>
                <dd className="wrap-anywhere">{value}</dd>
              </div>
            ))}
          </dl>
        ) : (
          !error && <p className="muted">{t('common.loading')}</p>
        )}
      </Panel>
      ) : null}
    </PlaceholderView>
  );
}
