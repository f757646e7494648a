// RPC error codes, one table per OCPP-J version (the spellings differ: see
// ocpp-j-1.6-specification §4.2.3 and OCPP-2.0.1 part 4 §4.3).
import type { OcppProtocol } from '../../src-shared/domain/index.ts';

/** Neutral error kinds the central system raises; each version spells them its own way. */
export type RpcErrorKind =
  | 'NotImplemented'
  | 'NotSupported'
  | 'InternalError'
  | 'ProtocolError'
  | 'SecurityError'
  | 'FormatViolation'
  | 'PropertyConstraintViolation'
  | 'OccurrenceConstraintViolation'
  | 'TypeConstraintViolation'
  | 'GenericError'
  | 'RpcFrameworkError'
  | 'MessageTypeNotSupported';

export const ERROR_CODES: Record<OcppProtocol, Record<RpcErrorKind, string>> = {
  'ocpp1.6': {
    NotImplemented: 'NotImplemented',
    NotSupported: 'NotSupported',
    InternalError: 'InternalError',
    ProtocolError: 'ProtocolError',
    SecurityError: 'SecurityError',
    FormatViolation: 'FormationViolation',
    PropertyConstraintViolation: 'PropertyConstraintViolation',
    OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
    TypeConstraintViolation: 'TypeConstraintViolation',
    GenericError: 'GenericError',
    // 1.6 has no RpcFrameworkError / MessageTypeNotSupported: a frame that does not
    // conform to the PDU structure is a FormationViolation there.
    RpcFrameworkError: 'FormationViolation',
    MessageTypeNotSupported: 'FormationViolation',
  },
  'ocpp2.0.1': {
    NotImplemented: 'NotImplemented',
    NotSupported: 'NotSupported',
    InternalError: 'InternalError',
    ProtocolError: 'ProtocolError',
    SecurityError: 'SecurityError',
    FormatViolation: 'FormatViolation',
    PropertyConstraintViolation: 'PropertyConstraintViolation',
    OccurrenceConstraintViolation: 'OccurrenceConstraintViolation',
    TypeConstraintViolation: 'TypeConstraintViolation',
    GenericError: 'GenericError',
    RpcFrameworkError: 'RpcFrameworkError',
    MessageTypeNotSupported: 'MessageTypeNotSupported',
  },
};

/** An error a handler throws to answer a CALL with a CALLERROR. */
export class RpcError extends Error {
  readonly kind: RpcErrorKind;
  readonly details: Record<string, unknown>;
  constructor(kind: RpcErrorKind, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.kind = kind;
    this.details = details;
    this.name = 'RpcError';
  }
}

/** A CALLERROR received from a station in answer to one of our CALLs. */
export class StationCallError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, description: string, details: unknown) {
    super(description || code);
    this.code = code;
    this.details = details;
    this.name = 'StationCallError';
  }
}

/** Our CALL got no answer in time, or the station went away before answering. */
export class CallTimeoutError extends Error {
  constructor(action: string, ms: number) {
    super(`${action}: no answer from the station within ${ms} ms`);
    this.name = 'CallTimeoutError';
  }
}

export class StationOfflineError extends Error {
  constructor(stationId: string) {
    super(`station ${stationId} is not connected`);
    this.name = 'StationOfflineError';
  }
}
