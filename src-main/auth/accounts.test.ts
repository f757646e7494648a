// Accounts, roles and the audit trail with a real supervisor: REST sign-in, role checks in
// the main process, lockout after wrong passwords, expiring sessions, and the WebSocket bridge
// when sign-in is required.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AuditEntry, Page, ServerMessage, SessionInfo } from '../../src-shared/api/index.ts';
import { mayUse } from '../../src-shared/api/index.ts';
import { startTestSupervisor, type TestSupervisor } from '../app/test-support.ts';
import { AccountService, hashPassword, verifyPassword } from './accounts.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function supervisor(options: Parameters<typeof startTestSupervisor>[0] = {}): Promise<TestSupervisor> {
  const sup = await startTestSupervisor({ adminPassword: 'admin-password-1', ...options });
  cleanups.push(() => sup.dispose());
  return sup;
}

async function rest<T>(sup: TestSupervisor, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(`${sup.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as T };
}

describe('passwords', () => {
  it('are stored as salted scrypt hashes that verify only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });
});

describe('roles', () => {
  it('allow each role its commands only', () => {
    const stop = { stationId: 'X', command: { kind: 'remoteStop', transactionId: 1 } };
    const reset = { stationId: 'X', command: { kind: 'reset', type: 'hard' } };
    expect(mayUse('viewer', 'listStations', {})).toBe(true);
    expect(mayUse('viewer', 'sendCommand', stop)).toBe(false);
    expect(mayUse('operator', 'sendCommand', stop)).toBe(true);
    expect(mayUse('operator', 'sendCommand', reset)).toBe(false);
    expect(mayUse('maintenance', 'sendCommand', reset)).toBe(true);
    expect(mayUse('operator', 'acknowledgeAlarms', { alarmIds: ['A1'] })).toBe(false);
    expect(mayUse('maintenance', 'acknowledgeAlarms', { alarmIds: ['A1'] })).toBe(true);
    expect(mayUse('engineer', 'acceptStation', { stationId: 'X' })).toBe(true);
    expect(mayUse('engineer', 'putAccount', {})).toBe(false);
    expect(mayUse('administrator', 'putAccount', {})).toBe(true);
  });
});

describe('accounts over REST', () => {
  it('signs in, acts with the account role (checked in the main process), and every action is audited', async () => {
    const sup = await supervisor();
    const admin = await rest<SessionInfo>(sup, 'POST', '/api/v1/login', null, { username: 'admin', password: 'admin-password-1' });
    expect(admin.status).toBe(200);
    expect(admin.body.role).toBe('administrator');
    expect((await rest(sup, 'PUT', '/api/v1/accounts/olivia', admin.body.token, { role: 'operator', password: 'operator-pass-1' })).status).toBe(200);
    expect((await rest(sup, 'PUT', '/api/v1/accounts/weak', admin.body.token, { role: 'operator', password: 'short' })).status).toBe(400);
    const operator = await rest<SessionInfo>(sup, 'POST', '/api/v1/login', null, { username: 'olivia', password: 'operator-pass-1' });
    expect(operator.body.role).toBe('operator');
    // An operator may read but not accept stations nor manage accounts.
    expect((await rest(sup, 'GET', '/api/v1/stations', operator.body.token)).status).toBe(200);
    const refused = await rest<{ message: string }>(sup, 'POST', '/api/v1/stations/CP16/accept', operator.body.token);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('operator role may not use acceptStation');
    expect((await rest(sup, 'GET', '/api/v1/accounts', operator.body.token)).status).toBe(403);
    // The audit log (maintenance and up) shows who did what, refusals included, never a password.
    const audit = await rest<Page<AuditEntry>>(sup, 'GET', '/api/v1/audit?actor=olivia', admin.body.token);
    expect(audit.body.items.map((e) => [e.action, e.ok])).toEqual([
      ['listAccounts', false],
      ['acceptStation', false],
      ['login', true],
    ]);
    const all = await rest<Page<AuditEntry>>(sup, 'GET', '/api/v1/audit', admin.body.token);
    expect(JSON.stringify(all.body)).not.toContain('operator-pass-1');
    expect(all.body.items.some((e) => e.action === 'putAccount' && e.actor === 'admin' && e.ok)).toBe(true);
    // After logout the token is worthless.
    await rest(sup, 'POST', '/api/v1/logout', operator.body.token);
    expect((await rest(sup, 'GET', '/api/v1/stations', operator.body.token)).status).toBe(401);
  });

  it('locks an account after five wrong passwords, even against the right one, and says until when', async () => {
    const sup = await supervisor();
    for (let i = 0; i < 4; i++) {
      const wrong = await rest<{ message: string }>(sup, 'POST', '/api/v1/login', null, { username: 'admin', password: `nope-${i}` });
      expect(wrong.status).toBe(403);
      expect(wrong.body.message).toBe('Wrong user name or password');
    }
    const fifth = await rest<{ message: string }>(sup, 'POST', '/api/v1/login', null, { username: 'admin', password: 'nope-5' });
    expect(fifth.body.message).toContain('locked');
    const right = await rest<{ message: string }>(sup, 'POST', '/api/v1/login', null, { username: 'admin', password: 'admin-password-1' });
    expect(right.status).toBe(403);
    expect(right.body.message).toContain('locked until');
    // Unknown user names get the same answer as wrong passwords.
    const unknown = await rest<{ message: string }>(sup, 'POST', '/api/v1/login', null, { username: 'mallory', password: 'whatever' });
    expect(unknown.body.message).toBe('Wrong user name or password');
  });
});

describe('sessions', () => {
  it('expire after the idle time and are extended by use', async () => {
    const sup = await supervisor();
    const accounts = new AccountService(sup.archive, { sessionIdleMs: 1000 });
    const t0 = Date.now();
    const session = await accounts.login('admin', 'admin-password-1', t0);
    expect(accounts.resume(session.token, t0 + 900)).toMatchObject({ username: 'admin' });
    expect(accounts.resume(session.token, t0 + 1800)).toMatchObject({ username: 'admin' });
    expect(accounts.resume(session.token, t0 + 2900)).toBeNull();
  });
});

describe('the UI bridge with sign-in required', () => {
  it('streams nothing and refuses commands until login, then acts as the signed-in account', async () => {
    const sup = await supervisor({ loginRequired: true });
    const ws = new WebSocket(`${sup.url.replace('http', 'ws')}/api/ws`);
    const inbox: ServerMessage[] = [];
    ws.on('message', (d) => inbox.push(JSON.parse(d.toString()) as ServerMessage));
    await new Promise((r) => ws.once('open', r));
    cleanups.push(async () => ws.close());
    let id = 0;
    const call = async (command: string, request: unknown) => {
      const my = ++id;
      ws.send(JSON.stringify({ kind: 'call', id: my, command, request }));
      for (let i = 0; i < 200; i++) {
        const found = inbox.find((m) => m.kind === 'result' && m.id === my);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('no answer');
    };
    expect(await call('listStations', {})).toMatchObject({ ok: false, error: { code: 'Forbidden', message: 'Sign in first' } });
    expect(await call('login', { username: 'admin', password: 'wrong' })).toMatchObject({ ok: false, error: { code: 'Forbidden' } });
    expect(await call('login', { username: 'admin', password: 'admin-password-1' })).toMatchObject({ ok: true, response: { username: 'admin', role: 'administrator' } });
    expect(await call('whoAmI', {})).toMatchObject({ ok: true, response: { username: 'admin' } });
    expect(await call('listStations', {})).toMatchObject({ ok: true });
    expect(await call('logout', {})).toMatchObject({ ok: true });
    expect(await call('listStations', {})).toMatchObject({ ok: false, error: { code: 'Forbidden' } });
  });
});
