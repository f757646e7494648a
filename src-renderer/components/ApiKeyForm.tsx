// Shown when the server closes the bridge with 4401: asks for the API key, then reconnects.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../store/client.ts';
import { useConnection } from '../store/connection.ts';

export function ApiKeyForm() {
  const { t } = useTranslation();
  const keyRejected = useConnection((s) => s.keyRejected);
  const [key, setKey] = useState('');
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="api-key-title">
      <form
        className="auth-card"
        data-testid="api-key-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) api().setApiKey(key.trim());
        }}
      >
        <h2 id="api-key-title">{t('auth.title')}</h2>
        <p>{t('auth.explanation')}</p>
        {keyRejected ? (
          <p className="form-error" role="alert">
            {t('auth.rejected')}
          </p>
        ) : null}
        <label className="field">
          <span className="field-label">{t('auth.label')}</span>
          <input type="password" value={key} onChange={(e) => setKey(e.target.value)} autoFocus autoComplete="current-password" data-testid="api-key-input" />
        </label>
        <p className="hint">{t('auth.hint')}</p>
        <div className="dialog-actions">
          <button type="submit" className="button button-primary" disabled={!key.trim()} data-testid="api-key-submit">
            {t('auth.submit')}
          </button>
        </div>
      </form>
    </div>
  );
}
