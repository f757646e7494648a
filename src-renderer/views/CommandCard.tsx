// One operator command as a small form: sends it, shows the station's answer inline.
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CommandResult, StationCommand } from '../../src-shared/domain/index.ts';
import { Pill } from '../components/StatusBadge.tsx';
import { describeError } from '../lib/errors.ts';
import { outcomeTone } from '../lib/status.ts';
import { api } from '../store/client.ts';
import { confirmAction, type ConfirmRequest } from '../store/confirm.ts';
import { useMayUse } from '../store/session.ts';

interface CommandCardProps {
  id: string;
  stationId: string;
  title: string;
  submitLabel: string;
  disabled?: boolean;
  danger?: boolean;
  hint?: string;
  /** The command to send, or null when the form is incomplete. */
  build: () => StationCommand | null;
  confirm?: () => ConfirmRequest;
  onResult?: (result: CommandResult) => void;
  children?: ReactNode;
}

export function CommandResultLine(props: { result: CommandResult | null; error: string | null; testId: string }) {
  const { t } = useTranslation();
  if (props.error) {
    return (
      <div className="command-result" data-testid={props.testId} data-outcome="error" role="status">
        <Pill tone="fault">{t('outcome.error')}</Pill>
        <span className="command-detail">{props.error}</span>
      </div>
    );
  }
  if (!props.result) return null;
  const r = props.result;
  return (
    <div className="command-result" data-testid={props.testId} data-outcome={r.outcome} role="status">
      <Pill tone={outcomeTone(r.outcome)}>{t(`outcome.${r.outcome}`)}</Pill>
      {/* The station's own word only when it says more than the outcome (Unlocked, NotSupported...). */}
      {r.status.toLowerCase() !== r.outcome ? <span className="mono">{r.status}</span> : null}
      {r.detail ? <span className="command-detail">{r.detail}</span> : null}
    </div>
  );
}

export function CommandCard(props: CommandCardProps) {
  const { t } = useTranslation();
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<CommandResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const command = props.build();
  // Cards are keyed by the command kind: the role decides whether the card is shown at all.
  const allowed = useMayUse('sendCommand', { stationId: props.stationId, command: { kind: props.id } });

  const submit = async () => {
    if (!command || sending) return;
    if (props.confirm && !(await confirmAction(props.confirm()))) return;
    setSending(true);
    setError(null);
    setResult(null);
    try {
      const r = await api().call('sendCommand', { stationId: props.stationId, command });
      setResult(r);
      props.onResult?.(r);
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setSending(false);
    }
  };

  if (!allowed) return null;
  return (
    <form
      className="command-card"
      data-testid={`command-${props.id}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{props.title}</h3>
      {props.hint ? <p className="hint">{props.hint}</p> : null}
      {props.children ? <div className="command-fields">{props.children}</div> : null}
      <div className="command-footer">
        <button
          type="submit"
          className={`button ${props.danger ? 'button-danger' : 'button-primary'}`}
          disabled={props.disabled || sending || !command}
          data-testid={`command-submit-${props.id}`}
        >
          {sending ? t('commands.sending') : props.submitLabel}
        </button>
        <CommandResultLine result={result} error={error} testId={`command-result-${props.id}`} />
      </div>
    </form>
  );
}
