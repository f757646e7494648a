// Sign-in screen, shown when the server requires an account (--require-login).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../src-shared/api/index.ts';
import { describeError } from '../lib/errors.ts';
import { formatDateTime } from '../lib/format.ts';
import { useLocale } from '../lib/hooks.ts';
import { useConnection } from '../store/connection.ts';
import { useSession } from '../store/session.ts';

export function LoginForm() {
  const { t } = useTranslation();
  const locale = useLocale();
  const login = useSession((s) => s.login);
  const connected = useConnection((s) => s.status === 'open');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const explain = (e: unknown): string => {
    if (e instanceof ApiError && e.code === 'Forbidden') {
      const until = /locked until (\S+)/.exec(e.message)?.[1];
      if (until && !Number.isNaN(Date.parse(until))) return t('login.lockedUntil', { time: formatDateTime(until, locale) });
      if (/locked for/i.test(e.message)) return t('login.lockedNow', { message: e.message });
      if (/disabled/i.test(e.message)) return t('login.disabled');
      return t('login.refused', { message: e.message });
    }
    if (e instanceof ApiError && e.code === 'BadRequest') return t('login.refused', { message: e.message });
    return describeError(e, t);
  };

  return (
    <div className="overlay login-overlay" role="dialog" aria-modal="true" aria-labelledby="login-title">
      <form
        className="auth-card"
        data-testid="login-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!username.trim() || !password) return;
          setBusy(true);
          setError(null);
          login(username.trim(), password).then(
            () => setBusy(false),
            (err: unknown) => {
              setBusy(false);
              setError(explain(err));
            },
          );
        }}
      >
        <h2 id="login-title">{t('login.title')}</h2>
        <p>{t('login.explanation')}</p>
        {error ? (
          <p className="form-error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <label className="field">
          <span className="field-label">{t('login.username')}</span>
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoFocus autoComplete="username" data-testid="login-username" />
        </label>
        <label className="field">
          <span className="field-label">{t('login.password')}</span>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" data-testid="login-password" />
        </label>
        <div className="dialog-actions">
          <button type="submit" className="button button-primary" disabled={busy || !connected || !username.trim() || !password} data-testid="login-submit">
            {busy ? t('login.signingIn') : t('login.submit')}
          </button>
        </div>
      </form>
    </div>
  );
}
