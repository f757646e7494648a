// One-time download tickets: the UI talks to the main process over its WebSocket (or IPC) and
// may hold no API key nor session token (loopback workstation), yet a big export must be a
// plain HTTP download that streams. The UI asks for a ticket through the API contract (so the
// caller's role is checked there) and puts it in the download URL; the host redeems it once.
import { randomBytes } from 'node:crypto';
import type { Principal } from '../../src-shared/api/index.ts';

export interface DownloadTicket {
  ticket: string;
  expiresAt: string;
}

export class DownloadTickets {
  private readonly tickets = new Map<string, { principal: Principal; purpose: string; expiresAt: number }>();
  private readonly ttlMs: number;

  constructor(ttlMs = 60_000) {
    this.ttlMs = ttlMs;
  }

  issue(principal: Principal, purpose: string, now = Date.now()): DownloadTicket {
    this.prune(now);
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = now + this.ttlMs;
    this.tickets.set(ticket, { principal, purpose, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The principal a ticket was issued to, once: a ticket is spent by its first use or at expiry. */
  redeem(ticket: string, purpose: string, now = Date.now()): Principal | null {
    const entry = this.tickets.get(ticket);
    if (!entry) return null;
    this.tickets.delete(ticket);
    return entry.purpose === purpose && entry.expiresAt > now ? entry.principal : null;
  }

  private prune(now: number): void {
    for (const [ticket, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(ticket);
  }
}
