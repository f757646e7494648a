// Pure model of the station page's OCPP message log: frames parsed into call / result / error
// with their action (a result or error takes the action of the call it answers, matched by
// message id in the other direction), a bounded newest-first list, the filter, and exports.
import type { OcppFrameRecord } from '../../src-shared/domain/index.ts';
import { toCsv, type CsvDialect } from './csv.ts';

export type FrameKind = 'call' | 'result' | 'error' | 'invalid';

export interface LogEntry {
  /** Unique in the list (archive id, or a live sequence number). */
  key: string;
  direction: 'in' | 'out';
  at: string;
  kind: FrameKind;
  messageId: string | null;
  action: string | null;
  /** CALLERROR code, when kind is error. */
  errorCode: string | null;
  frame: string;
}

export interface LogState {
  /** Newest first, at most `max`. */
  entries: LogEntry[];
  /** Action of each call by `${direction}:${messageId}` (recent calls only). */
  calls: Record<string, string>;
  seq: number;
}

export const EMPTY_LOG: LogState = { entries: [], calls: {}, seq: 0 };
const MAX_REMEMBERED_CALLS = 500;

function parse(frame: string): { kind: FrameKind; messageId: string | null; action: string | null; errorCode: string | null } {
  let message: unknown;
  try {
    message = JSON.parse(frame);
  } catch {
    return { kind: 'invalid', messageId: null, action: null, errorCode: null };
  }
  if (!Array.isArray(message) || typeof message[1] !== 'string') return { kind: 'invalid', messageId: null, action: null, errorCode: null };
  const messageId = message[1];
  if (message[0] === 2) return { kind: 'call', messageId, action: typeof message[2] === 'string' ? message[2] : null, errorCode: null };
  if (message[0] === 3) return { kind: 'result', messageId, action: null, errorCode: null };
  if (message[0] === 4) return { kind: 'error', messageId, action: null, errorCode: typeof message[2] === 'string' ? message[2] : null };
  return { kind: 'invalid', messageId, action: null, errorCode: null };
}

/** Adds frames (oldest first) to the log; keeps the newest `max`. */
export function appendFrames(state: LogState, frames: readonly OcppFrameRecord[], max = 2000): LogState {
  if (frames.length === 0) return state;
  const calls = { ...state.calls };
  let seq = state.seq;
  const added: LogEntry[] = [];
  for (const f of frames) {
    const parsed = parse(f.frame);
    let action = parsed.action;
    if (parsed.kind === 'call' && parsed.messageId !== null && action !== null) calls[`${f.direction}:${parsed.messageId}`] = action;
    else if ((parsed.kind === 'result' || parsed.kind === 'error') && parsed.messageId !== null) {
      action = calls[`${f.direction === 'in' ? 'out' : 'in'}:${parsed.messageId}`] ?? null;
    }
    seq += 1;
    added.push({ key: f.id !== undefined ? `a${f.id}` : `l${seq}`, direction: f.direction, at: f.at, ...parsed, action, frame: f.frame });
  }
  const keys = Object.keys(calls);
  if (keys.length > MAX_REMEMBERED_CALLS) for (const k of keys.slice(0, keys.length - MAX_REMEMBERED_CALLS)) delete calls[k];
  return { entries: [...added.reverse(), ...state.entries].slice(0, max), calls, seq };
}

export interface LogFilter {
  /** Matches the action (case-insensitive) or any text of the frame. */
  text: string;
  direction: 'all' | 'in' | 'out';
}

export function matchesLogFilter(entry: LogEntry, filter: LogFilter): boolean {
  if (filter.direction !== 'all' && entry.direction !== filter.direction) return false;
  const needle = filter.text.trim().toLowerCase();
  if (!needle) return true;
  return (entry.action?.toLowerCase().includes(needle) ?? false) || entry.frame.toLowerCase().includes(needle);
}

export function logToCsv(entries: readonly LogEntry[], dialect: CsvDialect): string {
  return toCsv(
    ['at', 'direction', 'type', 'action', 'messageId', 'errorCode', 'frame'],
    entries.map((e) => [e.at, e.direction, e.kind, e.action, e.messageId, e.errorCode, e.frame]),
    dialect,
  );
}

/** JSON lines are for tools; this is one readable array with each frame parsed back. */
export function logToJson(stationId: string, entries: readonly LogEntry[]): string {
  const parsedFrame = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  return JSON.stringify(
    entries.map((e) => ({ stationId, at: e.at, direction: e.direction, type: e.kind, action: e.action, messageId: e.messageId, frame: parsedFrame(e.frame) })),
    null,
    2,
  );
}
