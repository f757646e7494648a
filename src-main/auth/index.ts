// Badges: the list Authorize checks (status, expiry, parent id).
import type { Badge, BadgeInput, BadgeStatus } from '../../src-shared/domain/index.ts';
import type { Archive } from '../archive/index.ts';
import type { DomainBus } from '../bus/index.ts';

export interface AuthorizationResult {
  status: BadgeStatus;
  expiresAt: string | null;
  parentIdTag: string | null;
}

export class BadgeList {
  private readonly archive: Archive;
  private readonly bus: DomainBus;

  constructor(archive: Archive, bus: DomainBus) {
    this.archive = archive;
    this.bus = bus;
  }

  /** Unknown badges are Invalid; an Accepted badge past its expiry is Expired. */
  authorize(idTag: string, now = new Date()): AuthorizationResult {
    const badge = this.archive.badge(idTag);
    if (!badge) return { status: 'Invalid', expiresAt: null, parentIdTag: null };
    let status = badge.status;
    if (status === 'Accepted' && badge.expiresAt !== null && Date.parse(badge.expiresAt) <= now.getTime()) status = 'Expired';
    return { status, expiresAt: badge.expiresAt, parentIdTag: badge.parentIdTag };
  }

  list(): Badge[] {
    return this.archive.badges();
  }

  /** Creates or replaces a badge; a category left out keeps the stored one (callers from before categories). */
  async put(badge: BadgeInput): Promise<Badge> {
    const normalised: Badge = {
      idTag: badge.idTag,
      status: badge.status,
      expiresAt: badge.expiresAt ? new Date(badge.expiresAt).toISOString() : null,
      parentIdTag: badge.parentIdTag ?? null,
      label: badge.label ?? null,
      category: badge.category !== undefined ? badge.category : (this.archive.badge(badge.idTag)?.category ?? null),
    };
    await this.archive.saveBadge(normalised);
    this.bus.publish({ type: 'badge', badge: normalised });
    return normalised;
  }

  seed(badges: BadgeInput[]): Promise<void> {
    return this.archive.seedBadges(badges);
  }
}

export { AccountService, hashPassword, verifyPassword, type AccountOptions } from './accounts.ts';
export { DownloadTickets, type DownloadTicket } from './download-tickets.ts';
