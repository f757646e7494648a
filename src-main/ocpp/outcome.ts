// The station status words that mean "done or will be done", shared by both versions.
import type { CommandResult } from '../../src-shared/domain/index.ts';

const POSITIVE = new Set(['Accepted', 'Unlocked', 'Scheduled', 'RebootRequired']);

export function outcomeOf(status: string): CommandResult['outcome'] {
  return POSITIVE.has(status) ? 'accepted' : 'rejected';
}
