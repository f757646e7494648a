// Colour semantics of states, shared by badges, tiles and the ground plan later.
import type { BadgeStatus, CommandResult, ConnectorStatus } from '../../src-shared/domain/index.ts';

export type Tone = 'ok' | 'active' | 'warn' | 'fault' | 'idle' | 'info';

export function connectorTone(status: ConnectorStatus, online = true): Tone {
  if (!online) return 'idle';
  switch (status) {
    case 'Available':
      return 'ok';
    case 'Charging':
      return 'active';
    case 'Preparing':
    case 'Finishing':
    case 'SuspendedEV':
    case 'SuspendedEVSE':
    case 'Occupied':
      return 'warn';
    case 'Reserved':
      return 'info';
    case 'Faulted':
      return 'fault';
    case 'Unavailable':
    case 'Unknown':
      return 'idle';
  }
}

export function outcomeTone(outcome: CommandResult['outcome']): Tone {
  return outcome === 'accepted' ? 'ok' : outcome === 'rejected' ? 'warn' : 'fault';
}

export function badgeTone(status: BadgeStatus): Tone {
  return status === 'Accepted' ? 'ok' : status === 'Blocked' ? 'fault' : status === 'Expired' ? 'warn' : 'idle';
}
