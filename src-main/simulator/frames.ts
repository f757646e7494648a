// OCPP-J framing: [2,id,action,payload] CALL, [3,id,payload] CALLRESULT, [4,id,code,desc,details] CALLERROR.
// Parsing never throws: a peer's garbage must not crash the simulator.

export const CALL = 2;
export const CALLRESULT = 3;
export const CALLERROR = 4;

export type OcppFrame =
  | { type: typeof CALL; id: string; action: string; payload: unknown }
  | { type: typeof CALLRESULT; id: string; payload: unknown }
  | { type: typeof CALLERROR; id: string; code: string; description: string; details: unknown };

/** Why a frame was refused; each version maps the kind to its own error code. */
export type FrameFault = 'rpc' | 'format' | 'messageType';

/**
 * `replyTo` is the message id to answer with a CALLERROR, or null when no answer is due
 * (unreadable id, or a broken CALLRESULT/CALLERROR: errors are never answered).
 */
export type ParsedFrame = { ok: true; frame: OcppFrame } | { ok: false; replyTo: string | null; fault: FrameFault; reason: string };

export function parseFrame(text: string): ParsedFrame {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, replyTo: null, fault: 'rpc', reason: 'not JSON' };
  }
  if (!Array.isArray(data) || data.length < 3) return { ok: false, replyTo: null, fault: 'rpc', reason: 'not an OCPP-J array' };
  const [type, id] = data as unknown[];
  if (typeof id !== 'string' || id.length === 0 || id.length > 36) return { ok: false, replyTo: null, fault: 'rpc', reason: 'bad message id' };
  switch (type) {
    case CALL: {
      const action: unknown = data[2];
      const payload: unknown = data[3];
      if (typeof action !== 'string' || action.length === 0) return { ok: false, replyTo: id, fault: 'rpc', reason: 'bad action' };
      if (data.length !== 4 || !isPlainObject(payload)) return { ok: false, replyTo: id, fault: 'format', reason: 'payload must be an object' };
      return { ok: true, frame: { type: CALL, id, action, payload } };
    }
    case CALLRESULT:
      if (data.length !== 3) return { ok: false, replyTo: null, fault: 'format', reason: 'CALLRESULT has 3 elements' };
      return { ok: true, frame: { type: CALLRESULT, id, payload: data[2] } };
    case CALLERROR: {
      const code: unknown = data[2];
      const description: unknown = data[3];
      if (typeof code !== 'string') return { ok: false, replyTo: null, fault: 'format', reason: 'bad error code' };
      return {
        ok: true,
        frame: { type: CALLERROR, id, code, description: typeof description === 'string' ? description : '', details: data[4] ?? {} },
      };
    }
    default:
      return { ok: false, replyTo: id, fault: 'messageType', reason: `message type ${String(type)} not supported` };
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const encodeCall = (id: string, action: string, payload: object): string => JSON.stringify([CALL, id, action, payload]);
export const encodeResult = (id: string, payload: object): string => JSON.stringify([CALLRESULT, id, payload]);
export const encodeError = (id: string, code: string, description: string, details: object = {}): string =>
  JSON.stringify([CALLERROR, id, code, description.slice(0, 255), details]);

/** A CALLERROR received for one of our calls. */
export class OcppCallError extends Error {
  readonly code: string;
  readonly description: string;
  readonly details: unknown;
  readonly action: string;
  constructor(action: string, code: string, description: string, details: unknown) {
    super(`${action}: ${code}${description ? ` (${description})` : ''}`);
    this.name = 'OcppCallError';
    this.action = action;
    this.code = code;
    this.description = description;
    this.details = details;
  }
}

/** No answer within callTimeoutMs. */
export class OcppTimeoutError extends Error {
  readonly action: string;
  constructor(action: string, timeoutMs: number) {
    super(`${action}: no answer within ${timeoutMs} ms`);
    this.name = 'OcppTimeoutError';
    this.action = action;
  }
}

/** The call could not be sent or its answer was lost with the connection. */
export class OcppOfflineError extends Error {
  readonly action: string;
  constructor(action: string, why = 'station offline') {
    super(`${action}: ${why}`);
    this.name = 'OcppOfflineError';
    this.action = action;
  }
}
