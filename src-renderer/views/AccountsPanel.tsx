// Accounts (administrator only): the list and one form to create or change an account.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type Account, type Role } from '../../src-shared/api/index.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Field, Panel } from '../components/Field.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import { describeError } from '../lib/errors.ts';
import { DASH, formatDateTime } from '../lib/format.ts';
import { useLocale } from '../lib/hooks.ts';
import type { Column } from '../lib/table.ts';
import { api } from '../store/client.ts';
import { useConnection } from '../store/connection.ts';
import { useToasts } from '../store/toasts.ts';

const MIN_PASSWORD = 10;

interface Draft {
  username: string;
  role: Role;
  password: string;
  disabled: boolean;
}

const EMPTY: Draft = { username: '', role: 'viewer', password: '', disabled: false };

export function AccountsPanel() {
  const { t } = useTranslation();
  const locale = useLocale();
  const connected = useConnection((s) => s.status === 'open');
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  const load = useCallback(() => {
    api()
      .call('listAccounts', {})
      .then(
        (list) => {
          setAccounts(list);
          setError(null);
        },
        (e: unknown) => setError(describeError(e, t)),
      );
  }, [t]);

  useEffect(() => {
    if (connected) load();
  }, [connected, load]);

  const existing = accounts?.find((a) => a.username === draft.username.trim()) ?? null;
  const passwordError = draft.password !== '' && draft.password.length < MIN_PASSWORD ? t('accounts.passwordTooShort', { count: MIN_PASSWORD }) : null;
  const needsPassword = !existing && draft.password === '';
  const validName = /^[A-Za-z0-9._@-]{2,64}$/.test(draft.username.trim());
  const canSave = validName && !passwordError && !needsPassword && !saving;

  const save = async () => {
    setSaving(true);
    setFormError(null);
    try {
      const request: { username: string; role: Role; password?: string; disabled: boolean } = { username: draft.username.trim(), role: draft.role, disabled: draft.disabled };
      if (draft.password) request.password = draft.password;
      const saved = await api().call('putAccount', request);
      useToasts.getState().push('ok', t(existing ? 'accounts.changed' : 'accounts.createdToast', { username: saved.username }), 4000);
      setDraft(EMPTY);
      load();
    } catch (e) {
      setFormError(describeError(e, t));
    } finally {
      setSaving(false);
    }
  };

  const columns = useMemo<Column<Account>[]>(
    () => [
      { id: 'username', label: t('accounts.username'), sortValue: (a) => a.username, render: (a) => <span className="mono">{a.username}</span> },
      { id: 'role', label: t('accounts.role'), sortValue: (a) => ROLES.indexOf(a.role), render: (a) => t(`roles.${a.role}`) },
      {
        id: 'state',
        label: t('accounts.state'),
        render: (a) =>
          a.disabled ? (
            <Pill tone="idle">{t('accounts.disabled')}</Pill>
          ) : a.lockedUntil && Date.parse(a.lockedUntil) > Date.now() ? (
            <Pill tone="fault">{t('accounts.lockedUntil', { time: formatDateTime(a.lockedUntil, locale) })}</Pill>
          ) : (
            <Pill tone="ok">{t('accounts.active')}</Pill>
          ),
      },
      { id: 'lastLogin', label: t('accounts.lastLogin'), sortValue: (a) => a.lastLoginAt, render: (a) => (a.lastLoginAt ? formatDateTime(a.lastLoginAt, locale) : DASH) },
      { id: 'created', label: t('accounts.created'), sortValue: (a) => a.createdAt, render: (a) => formatDateTime(a.createdAt, locale) },
      {
        id: 'edit',
        label: '',
        width: '6rem',
        render: (a) => (
          <button type="button" className="button button-small" onClick={() => setDraft({ username: a.username, role: a.role, password: '', disabled: a.disabled })} data-testid={`account-edit-${a.username}`}>
            {t('accounts.edit')}
          </button>
        ),
      },
    ],
    [t, locale],
  );

  return (
    <Panel title={t('accounts.title')} testId="accounts-panel">
      {error ? <p className="notice tone-fault">{error}</p> : null}
      <form
        className="inline-form"
        data-testid="account-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (canSave) void save();
        }}
      >
        <Field label={t('accounts.username')}>
          <input value={draft.username} onChange={(e) => setDraft({ ...draft, username: e.target.value })} spellCheck={false} autoComplete="off" data-testid="account-username" />
        </Field>
        <Field label={t('accounts.role')}>
          <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as Role })} data-testid="account-role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={existing ? t('accounts.newPassword') : t('accounts.password')}>
          <input type="password" value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} autoComplete="new-password" data-testid="account-password" />
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={draft.disabled} onChange={(e) => setDraft({ ...draft, disabled: e.target.checked })} data-testid="account-disabled" /> {t('accounts.disabled')}
        </label>
        <button type="submit" className="button button-primary" disabled={!canSave} data-testid="account-save">
          {existing ? t('accounts.change') : t('accounts.create')}
        </button>
        {draft !== EMPTY ? (
          <button type="button" className="button" onClick={() => setDraft(EMPTY)}>
            {t('accounts.clear')}
          </button>
        ) : null}
      </form>
      {passwordError ? <p className="form-error">{passwordError}</p> : existing ? <p className="hint">{t('accounts.keepPassword')}</p> : <p className="hint">{t('accounts.passwordRule', { count: MIN_PASSWORD })}</p>}
      {formError ? (
        <p className="form-error" role="alert" data-testid="account-error">
          {formError}
        </p>
      ) : null}
      {accounts ? (
        <DataTable
          columns={columns}
          rows={accounts}
          rowKey={(a) => a.username}
          sort={null}
          rowAttributes={(a) => ({ 'data-testid': `account-row-${a.username}`, 'data-role': a.role })}
          empty={t('accounts.none')}
          label={t('accounts.title')}
          testId="accounts-table"
        />
      ) : (
        !error && <p className="muted">{t('common.loading')}</p>
      )}
    </Panel>
  );
}
