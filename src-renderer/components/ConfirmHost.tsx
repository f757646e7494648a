// Renders the pending confirmAction() request as a modal <dialog> (Esc cancels, focus trapped by the browser).
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useConfirm } from '../store/confirm.ts';

export function ConfirmHost() {
  const { t } = useTranslation();
  const request = useConfirm((s) => s.request);
  const settle = useConfirm((s) => s.settle);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (request && !d.open) d.showModal();
    if (!request && d.open) d.close();
  }, [request]);

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        settle(false);
      }}
    >
      {request ? (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            settle(true);
          }}
        >
          <h2>{request.title}</h2>
          <p>{request.message}</p>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={() => settle(false)} data-testid="confirm-cancel">
              {t('common.cancel')}
            </button>
            {/* The safe choice keeps the focus: Enter on open does not fire the action. */}
            <button type="submit" className={`button ${request.danger ? 'button-danger' : 'button-primary'}`} data-testid="confirm-ok">
              {request.confirmLabel}
            </button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
