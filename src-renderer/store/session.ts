// Who uses the UI: the signed-in account (server started with --require-login) or the
// local operator. Checked with whoAmI each time the link opens; a "Sign in first" refusal
// from any command also brings the sign-in screen up.
import { create } from 'zustand';
import { ApiError, mayUse, type ApiCommandName, type Principal } from '../../src-shared/api/index.ts';
import { api } from './client.ts';

export interface SessionState {
  /** null until known, or while signed out. */
  principal: Principal | null;
  /** The server wants a sign-in before anything else. */
  loginRequired: boolean;
  /** whoAmI answered at least once since the link opened. */
  checked: boolean;
  refresh(): Promise<void>;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Called with any failure of a call: a "Sign in first" refusal shows the sign-in screen. */
  noteError(error: unknown): void;
}

export function isSignInRequired(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'Forbidden' && /sign in first/i.test(error.message);
}

export const useSession = create<SessionState>((set) => ({
  principal: null,
  loginRequired: false,
  checked: false,
  async refresh() {
    try {
      const principal = await api().call('whoAmI', {});
      if (principal === null) api().setSessionToken(null);
      set({ principal, loginRequired: principal === null, checked: true });
    } catch (error) {
      if (isSignInRequired(error)) set({ principal: null, loginRequired: true, checked: true });
    }
  },
  async login(username, password) {
    const session = await api().call('login', { username, password });
    api().setSessionToken(session.token);
    set({ principal: { username: session.username, role: session.role }, loginRequired: false, checked: true });
    // A fresh socket resumes the session with ?token= and reloads every store.
    api().reconnectNow();
  },
  async logout() {
    try {
      await api().call('logout', {});
    } finally {
      api().setSessionToken(null);
      set({ principal: null, loginRequired: true });
      api().reconnectNow();
    }
  },
  noteError(error) {
    if (isSignInRequired(error)) set({ principal: null, loginRequired: true, checked: true });
  },
}));

/** Whether the current user may send `command` (the main process checks anyway). */
export function useMayUse(command: ApiCommandName, request: unknown = {}): boolean {
  return useSession((s) => s.principal !== null && mayUse(s.principal.role, command, request));
}
