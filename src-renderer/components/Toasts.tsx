import { useTranslation } from 'react-i18next';
import { useToasts } from '../store/toasts.ts';

export function Toasts() {
  const { t } = useTranslation();
  const toasts = useToasts((s) => s.toasts);
  const dismiss = useToasts((s) => s.dismiss);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast tone-${toast.tone}`} data-testid="toast">
          <span className="pill-dot" aria-hidden="true" />
          <span className="toast-text">{toast.text}</span>
          <button type="button" className="icon-button small" onClick={() => dismiss(toast.id)} aria-label={t('common.close')}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
