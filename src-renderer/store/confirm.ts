// One confirmation dialog for the whole UI: `await confirmAction({...})` resolves true/false.
import { create } from 'zustand';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
}

interface ConfirmState {
  request: (ConfirmRequest & { resolve: (ok: boolean) => void }) | null;
  settle(ok: boolean): void;
}

export const useConfirm = create<ConfirmState>((set, get) => ({
  request: null,
  settle(ok) {
    get().request?.resolve(ok);
    set({ request: null });
  },
}));

export function confirmAction(request: ConfirmRequest): Promise<boolean> {
  return new Promise((resolve) => {
    useConfirm.getState().request?.resolve(false);
    useConfirm.setState({ request: { ...request, resolve } });
  });
}
