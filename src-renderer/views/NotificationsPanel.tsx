// Notification settings (engineer): recipients by site, severity and role with their channels
// and addresses, the SMTP server, the SMS gateway, grouping and rate limit; saved and applied at
// once by the main process. "Send test" sends one message through one channel and shows whether
// it was delivered or the channel's error.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ALARM_SEVERITIES, type AlarmSeverity } from '../../src-shared/alarms/types.ts';
import { NOTIFICATION_CHANNELS, type NotificationChannelName, type NotificationRecipientSettings, type NotificationSettingsDoc, type NotificationTestResult } from '../../src-shared/alarms/editor.ts';
import { ROLES } from '../../src-shared/api/index.ts';
import { DataTable, useSortedRows } from '../components/DataTable.tsx';
import { Field, Panel } from '../components/Field.tsx';
import { severityRank } from '../lib/alarms.ts';
import { csvDialect, csvFileName, downloadText } from '../lib/csv.ts';
import { describeError } from '../lib/errors.ts';
import { formatTime } from '../lib/format.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import { columnsToCsv, nextSort, type Column, type SortState } from '../lib/table.ts';
import { api } from '../store/client.ts';
import { useToasts } from '../store/toasts.ts';

/** A recipient row as edited: the recipient with its addresses and its place in the list. */
interface RecipientRow {
  index: number;
  recipient: NotificationRecipientSettings;
  email: string;
  phone: string;
}

const splitIds = (text: string) =>
  text
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const numberOr = (text: string, fallback: number): number => (text.trim() === '' || !Number.isFinite(Number(text)) ? fallback : Number(text));

function TestSend(props: { dirty: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const linkOpen = useLinkOpen();
  const [channel, setChannel] = useState<NotificationChannelName>('email');
  const [to, setTo] = useState('');
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<NotificationTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = async () => {
    setSending(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api().call('testNotification', { channel, to: channel === 'push' ? '' : to }));
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setSending(false);
    }
  };
  const when = (iso: string) => formatTime(new Date(iso), locale);
  return (
    <Panel title={t('notificationSettings.test')} testId="notification-test">
      <p className="hint">{t('notificationSettings.testHint')}</p>
      {props.dirty ? <p className="hint tone-warn">{t('notificationSettings.unsaved')}</p> : null}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!sending) void send();
        }}
      >
        <Field label={t('notificationSettings.testChannel')}>
          <select value={channel} onChange={(e) => setChannel(e.target.value as NotificationChannelName)} data-testid="test-channel">
            {NOTIFICATION_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`notificationSettings.channel.${c}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={channel === 'email' ? t('notificationSettings.testToEmail') : channel === 'sms' ? t('notificationSettings.testToSms') : t('notificationSettings.testTo')}>
          <input
            value={channel === 'push' ? t('notificationSettings.testToPush') : to}
            disabled={channel === 'push'}
            onChange={(e) => setTo(e.target.value)}
            type={channel === 'email' ? 'email' : 'text'}
            spellCheck={false}
            data-testid="test-to"
          />
        </Field>
        <button type="submit" className="button button-primary" disabled={sending || !linkOpen || (channel !== 'push' && to.trim() === '')} data-testid="test-send">
          {sending ? t('notificationSettings.sending') : t('notificationSettings.send')}
        </button>
      </form>
      {sending ? <progress className="test-progress" aria-label={t('notificationSettings.sending')} /> : null}
      {result ? (
        <p className={`notice ${result.ok ? 'tone-ok' : 'tone-fault'}`} role="status" data-testid="test-result" data-ok={String(result.ok)}>
          {result.ok
            ? result.channel === 'push'
              ? t('notificationSettings.deliveredPush', { time: when(result.at) })
              : t('notificationSettings.delivered', { address: result.address ?? '', time: when(result.at) })
            : t('notificationSettings.failed', { error: result.error ?? '?' })}
        </p>
      ) : null}
      {error ? (
        <p className="notice tone-fault" role="alert" data-testid="test-result" data-ok="false">
          {error}
        </p>
      ) : null}
    </Panel>
  );
}

export function NotificationsPanel() {
  const { t, i18n } = useTranslation();
  const linkOpen = useLinkOpen();
  const [saved, setSaved] = useState<{ settings: NotificationSettingsDoc; path: string } | null>(null);
  const [doc, setDoc] = useState<NotificationSettingsDoc | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortState | null>(null);

  const load = useCallback(() => {
    api()
      .call('getNotificationSettings', {})
      .then(
        (info) => {
          setSaved(info);
          setDoc(structuredClone(info.settings));
          setLoadError(null);
        },
        (e: unknown) => setLoadError(describeError(e, t)),
      );
  }, [t]);
  useEffect(() => {
    if (linkOpen) load();
  }, [linkOpen, load]);

  const dirty = doc !== null && saved !== null && JSON.stringify(doc) !== JSON.stringify(saved.settings);
  const edit = (change: (d: NotificationSettingsDoc) => void) =>
    setDoc((d) => {
      if (!d) return d;
      const next = structuredClone(d);
      change(next);
      return next;
    });
  const editRecipient = (index: number, change: (r: NotificationRecipientSettings, d: NotificationSettingsDoc) => void) =>
    edit((d) => {
      const r = d.policy.recipients[index];
      if (r) change(r, d);
    });
  const setContact = (d: NotificationSettingsDoc, id: string, field: 'email' | 'phone', value: string) => {
    const contact = { ...(d.contacts[id] ?? {}) };
    if (value.trim() === '') delete contact[field];
    else contact[field] = value.trim();
    d.contacts[id] = contact;
  };

  const rows = useMemo<RecipientRow[]>(() => {
    if (!doc) return [];
    const needle = filter.trim().toLowerCase();
    return doc.policy.recipients
      .map((recipient, index) => ({ index, recipient, email: doc.contacts[recipient.id]?.email ?? '', phone: doc.contacts[recipient.id]?.phone ?? '' }))
      .filter((r) => !needle || `${r.recipient.id} ${r.recipient.role} ${r.email} ${r.phone} ${(r.recipient.siteIds ?? []).join(' ')}`.toLowerCase().includes(needle));
  }, [doc, filter]);

  const columns = useMemo<Column<RecipientRow>[]>(
    () => [
      {
        id: 'id',
        label: t('notificationSettings.columns.id'),
        width: '170px',
        sortValue: (r) => r.recipient.id,
        render: (r) => (
          <input
            value={r.recipient.id}
            onChange={(e) =>
              editRecipient(r.index, (x, d) => {
                const contact = d.contacts[x.id];
                delete d.contacts[x.id];
                x.id = e.target.value;
                if (contact) d.contacts[x.id] = contact;
              })
            }
            spellCheck={false}
            data-testid={`recipient-id-${r.index}`}
          />
        ),
      },
      {
        id: 'role',
        label: t('notificationSettings.columns.role'),
        width: '150px',
        sortValue: (r) => r.recipient.role,
        render: (r) => (
          <select value={r.recipient.role} onChange={(e) => editRecipient(r.index, (x) => (x.role = e.target.value))} data-testid={`recipient-role-${r.index}`}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`roles.${role}`)}
              </option>
            ))}
          </select>
        ),
      },
      {
        id: 'channels',
        label: t('notificationSettings.columns.channels'),
        width: '240px',
        csvValue: (r) => r.recipient.channels.join(' '),
        render: (r) => (
          <span className="inline-actions">
            {NOTIFICATION_CHANNELS.map((c) => (
              <label key={c} className="checkbox">
                <input
                  type="checkbox"
                  checked={r.recipient.channels.includes(c)}
                  onChange={(e) => editRecipient(r.index, (x) => (x.channels = e.target.checked ? [...x.channels, c] : x.channels.filter((y) => y !== c)))}
                  data-testid={`recipient-channel-${r.index}-${c}`}
                />
                {t(`notificationSettings.channel.${c}`)}
              </label>
            ))}
          </span>
        ),
      },
      {
        id: 'sites',
        label: t('notificationSettings.columns.sites'),
        width: '130px',
        sortValue: (r) => (r.recipient.siteIds ?? []).join(' '),
        render: (r) => (
          <input
            defaultValue={(r.recipient.siteIds ?? []).join(', ')}
            placeholder={t('notificationSettings.allSites')}
            title={t('notificationSettings.sitesHint')}
            onChange={(e) => editRecipient(r.index, (x) => (x.siteIds = splitIds(e.target.value).length > 0 ? splitIds(e.target.value) : null))}
            spellCheck={false}
            data-testid={`recipient-sites-${r.index}`}
          />
        ),
      },
      {
        id: 'minSeverity',
        label: t('notificationSettings.columns.minSeverity'),
        width: '120px',
        sortValue: (r) => severityRank(r.recipient.minSeverity),
        csvValue: (r) => r.recipient.minSeverity,
        render: (r) => (
          <select value={r.recipient.minSeverity} onChange={(e) => editRecipient(r.index, (x) => (x.minSeverity = e.target.value as AlarmSeverity))} data-testid={`recipient-severity-${r.index}`}>
            {ALARM_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t(`alarms.severity.${s}`)}
              </option>
            ))}
          </select>
        ),
      },
      {
        id: 'email',
        label: t('notificationSettings.columns.email'),
        sortValue: (r) => r.email,
        render: (r) => <input type="email" value={r.email} onChange={(e) => editRecipient(r.index, (x, d) => setContact(d, x.id, 'email', e.target.value))} spellCheck={false} data-testid={`recipient-email-${r.index}`} />,
      },
      {
        id: 'phone',
        label: t('notificationSettings.columns.phone'),
        width: '150px',
        sortValue: (r) => r.phone,
        render: (r) => <input value={r.phone} onChange={(e) => editRecipient(r.index, (x, d) => setContact(d, x.id, 'phone', e.target.value))} spellCheck={false} data-testid={`recipient-phone-${r.index}`} />,
      },
      {
        id: 'remove',
        label: '',
        width: '90px',
        render: (r) => (
          <button
            type="button"
            className="button button-small"
            onClick={() =>
              edit((d) => {
                const [gone] = d.policy.recipients.splice(r.index, 1);
                if (gone && !d.policy.recipients.some((x) => x.id === gone.id)) delete d.contacts[gone.id];
              })
            }
            data-testid={`recipient-remove-${r.index}`}
          >
            {t('notificationSettings.remove')}
          </button>
        ),
      },
    ],
    // The edit helpers only use setDoc.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t],
  );
  const sorted = useSortedRows(rows, columns, sort);

  const save = async () => {
    if (!doc) return;
    setSaving(true);
    setSaveError(null);
    try {
      const info = await api().call('putNotificationSettings', { settings: doc });
      setSaved(info);
      setDoc(structuredClone(info.settings));
      useToasts.getState().push('ok', t('notificationSettings.saved'), 4000);
    } catch (e) {
      setSaveError(describeError(e, t));
    } finally {
      setSaving(false);
    }
  };

  if (!doc) return <Panel>{loadError ? <p className="notice tone-fault">{loadError}</p> : <p className="muted">{t('common.loading')}</p>}</Panel>;
  const smtp = doc.smtp;
  const sms = doc.sms;
  return (
    <div className="stack notification-settings" data-testid="notification-settings">
      <Panel
        title={t('notificationSettings.recipients')}
        testId="notification-recipients"
        actions={saved ? <span className="hint mono">{t('notificationSettings.savedTo', { path: saved.path })}</span> : null}
      >
        <p className="hint">{t('notificationSettings.recipientsHint')}</p>
        <div className="toolbar">
          <Field label={t('notificationSettings.filter')}>
            <input value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="recipients-filter" spellCheck={false} />
          </Field>
          <div className="toolbar-spacer" />
          <button type="button" className="button" disabled={sorted.length === 0} onClick={() => downloadText(csvFileName('recipients'), columnsToCsv(columns, sorted, csvDialect(i18n.language)))} data-testid="recipients-export">
            {t('common.exportCsv')}
          </button>
          <button
            type="button"
            className="button"
            onClick={() =>
              edit((d) => {
                let n = d.policy.recipients.length + 1;
                while (d.policy.recipients.some((r) => r.id === `recipient-${n}`)) n += 1;
                d.policy.recipients.push({ id: `recipient-${n}`, role: 'maintenance', channels: ['email'], siteIds: null, minSeverity: 'major' });
              })
            }
            data-testid="recipient-add"
          >
            {t('notificationSettings.addRecipient')}
          </button>
        </div>
        <DataTable
          label={t('notificationSettings.recipients')}
          testId="recipients-table"
          className="recipients-table"
          columns={columns}
          rows={sorted}
          rowKey={(r) => r.index}
          sort={sort}
          onSort={(id) => setSort(nextSort(sort, id))}
          rowAttributes={(r) => ({ 'data-testid': `recipient-row-${r.recipient.id}` })}
          empty={t('common.none')}
        />
      </Panel>
      <div className="notification-grid">
        <Panel title={t('notificationSettings.smtp')} testId="notification-smtp">
          <div className="form-grid">
            <Field label={t('notificationSettings.smtpHost')}>
              <input
                value={smtp?.host ?? ''}
                onChange={(e) =>
                  edit((d) => {
                    if (e.target.value === '' && !d.smtp?.from) delete d.smtp;
                    else d.smtp = { port: 587, from: '', ...d.smtp, host: e.target.value };
                  })
                }
                spellCheck={false}
                data-testid="smtp-host"
              />
            </Field>
            <Field label={t('notificationSettings.smtpPort')}>
              <input inputMode="numeric" value={smtp ? String(smtp.port) : ''} disabled={!smtp} onChange={(e) => edit((d) => d.smtp && (d.smtp.port = numberOr(e.target.value, 0)))} data-testid="smtp-port" />
            </Field>
            <Field label={t('notificationSettings.smtpUser')}>
              <input
                value={smtp?.user ?? ''}
                disabled={!smtp}
                onChange={(e) =>
                  edit((d) => {
                    if (!d.smtp) return;
                    if (e.target.value === '') delete d.smtp.user;
                    else d.smtp.user = e.target.value;
                  })
                }
                autoComplete="off"
                data-testid="smtp-user"
              />
            </Field>
            <Field label={t('notificationSettings.smtpPassword')}>
              <input
                type="password"
                value={smtp?.password ?? ''}
                disabled={!smtp}
                onChange={(e) =>
                  edit((d) => {
                    if (!d.smtp) return;
                    if (e.target.value === '') delete d.smtp.password;
                    else d.smtp.password = e.target.value;
                  })
                }
                autoComplete="new-password"
                data-testid="smtp-password"
              />
            </Field>
            <Field label={t('notificationSettings.smtpFrom')}>
              <input type="email" value={smtp?.from ?? ''} disabled={!smtp} onChange={(e) => edit((d) => d.smtp && (d.smtp.from = e.target.value))} spellCheck={false} data-testid="smtp-from" />
            </Field>
            <label className="checkbox">
              <input type="checkbox" checked={smtp?.secure ?? false} disabled={!smtp} onChange={(e) => edit((d) => d.smtp && (d.smtp.secure = e.target.checked))} data-testid="smtp-secure" />{' '}
              {t('notificationSettings.smtpSecure')}
            </label>
          </div>
        </Panel>
        <Panel title={t('notificationSettings.sms')} testId="notification-sms">
          <div className="form-grid">
            <Field label={t('notificationSettings.smsKind')}>
              <select
                value={sms?.kind ?? 'none'}
                onChange={(e) =>
                  edit((d) => {
                    const kind = e.target.value;
                    if (kind === 'http') d.sms = { kind: 'http', url: 'https://', method: 'POST', body: '{"to":"{to}","text":"{text}"}' };
                    else if (kind === 'email') d.sms = { kind: 'email', emailDomain: '' };
                    else delete d.sms;
                  })
                }
                data-testid="sms-kind"
              >
                <option value="none">{t('notificationSettings.smsNone')}</option>
                <option value="http">{t('notificationSettings.smsHttp')}</option>
                <option value="email">{t('notificationSettings.smsEmail')}</option>
              </select>
            </Field>
            {sms ? (
              <Field label={t('notificationSettings.smsMaxLength')}>
                <input inputMode="numeric" value={sms.maxLength === undefined ? '' : String(sms.maxLength)} placeholder="160" onChange={(e) => edit((d) => d.sms && (e.target.value === '' ? delete d.sms.maxLength : (d.sms.maxLength = numberOr(e.target.value, 0))))} data-testid="sms-max-length" />
              </Field>
            ) : null}
            {sms?.kind === 'http' ? (
              <>
                <Field label={t('notificationSettings.smsUrl')} wide>
                  <input value={sms.url} onChange={(e) => edit((d) => d.sms?.kind === 'http' && (d.sms.url = e.target.value))} spellCheck={false} data-testid="sms-url" />
                </Field>
                <Field label={t('notificationSettings.smsMethod')}>
                  <select value={sms.method ?? 'POST'} onChange={(e) => edit((d) => d.sms?.kind === 'http' && (d.sms.method = e.target.value as 'POST' | 'GET'))} data-testid="sms-method">
                    <option value="POST">POST</option>
                    <option value="GET">GET</option>
                  </select>
                </Field>
                <Field label={t('notificationSettings.smsBody')} wide>
                  <input value={sms.body ?? ''} onChange={(e) => edit((d) => d.sms?.kind === 'http' && (e.target.value === '' ? delete d.sms.body : (d.sms.body = e.target.value)))} spellCheck={false} data-testid="sms-body" />
                </Field>
              </>
            ) : null}
            {sms?.kind === 'email' ? (
              <Field label={t('notificationSettings.smsDomain')} wide>
                <input value={sms.emailDomain} onChange={(e) => edit((d) => d.sms?.kind === 'email' && (d.sms.emailDomain = e.target.value))} spellCheck={false} data-testid="sms-domain" />
              </Field>
            ) : null}
          </div>
        </Panel>
        <Panel title={t('notificationSettings.grouping')} testId="notification-grouping">
          <div className="form-grid">
            <Field label={t('notificationSettings.windowS')} wide>
              <input inputMode="numeric" value={String(doc.policy.windowMs / 1000)} onChange={(e) => edit((d) => (d.policy.windowMs = Math.round(numberOr(e.target.value, 0) * 1000)))} data-testid="policy-window" />
            </Field>
            <Field label={t('notificationSettings.maxMessages')}>
              <input inputMode="numeric" value={String(doc.policy.rateLimit.maxMessages)} onChange={(e) => edit((d) => (d.policy.rateLimit.maxMessages = numberOr(e.target.value, 0)))} data-testid="policy-max-messages" />
            </Field>
            <Field label={t('notificationSettings.perMinutes')}>
              <input inputMode="numeric" value={String(doc.policy.rateLimit.perMs / 60_000)} onChange={(e) => edit((d) => (d.policy.rateLimit.perMs = Math.round(numberOr(e.target.value, 0) * 60_000)))} data-testid="policy-per-minutes" />
            </Field>
          </div>
        </Panel>
      </div>
      {saveError ? (
        <p className="form-error" role="alert" data-testid="notification-save-error">
          {saveError}
        </p>
      ) : null}
      <div className="toolbar">
        <div className="toolbar-spacer" />
        <button type="button" className="button" disabled={!dirty || saving} onClick={() => saved && setDoc(structuredClone(saved.settings))}>
          {t('common.cancel')}
        </button>
        <button type="button" className="button button-primary" disabled={!dirty || saving || !linkOpen} onClick={() => void save()} data-testid="notification-save">
          {t('notificationSettings.save')}
        </button>
      </div>
      <TestSend dirty={dirty} />
    </div>
  );
}
