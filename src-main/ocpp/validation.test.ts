import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors.ts';
import { payloadValidator } from './validation.ts';
import { v16Adapter } from './v16/index.ts';
import { v201Adapter } from './v201/index.ts';

describe('error-code tables', () => {
  it('spell the violations the way each OCPP-J version does', () => {
    expect(ERROR_CODES['ocpp1.6'].FormatViolation).toBe('FormationViolation');
    expect(ERROR_CODES['ocpp1.6'].OccurrenceConstraintViolation).toBe('OccurenceConstraintViolation');
    expect(ERROR_CODES['ocpp2.0.1'].FormatViolation).toBe('FormatViolation');
    expect(ERROR_CODES['ocpp2.0.1'].OccurrenceConstraintViolation).toBe('OccurrenceConstraintViolation');
    expect(ERROR_CODES['ocpp2.0.1'].RpcFrameworkError).toBe('RpcFrameworkError');
  });
});

describe('payload validation against the official schemas', () => {
  const v16 = payloadValidator('ocpp1.6');
  const v201 = payloadValidator('ocpp2.0.1');

  it('knows every action of each version', () => {
    expect(v16.actions.size).toBe(39); // 28 of OCPP 1.6 + 11 of the 1.6 security whitepaper
    expect(v16.actions.has('StartTransaction')).toBe(true);
    expect(v201.actions.has('TransactionEvent')).toBe(true);
    expect(v201.actions.has('StartTransaction')).toBe(false);
  });

  it('classifies violations: missing field, wrong type, bad value, unknown action', () => {
    expect(v16.validate('BootNotification', 'req', { chargePointVendor: 'a' })?.kind).toBe('OccurrenceConstraintViolation');
    expect(v16.validate('BootNotification', 'req', { chargePointVendor: 1, chargePointModel: 'm' })?.kind).toBe('TypeConstraintViolation');
    expect(v16.validate('StatusNotification', 'req', { connectorId: 1, errorCode: 'NoError', status: 'Sleepy' })?.kind).toBe('PropertyConstraintViolation');
    expect(v16.validate('Heartbeat', 'req', { extra: true })?.kind).toBe('OccurrenceConstraintViolation');
    expect(v16.validate('Nope', 'req', {})?.kind).toBe('NotImplemented');
    expect(v16.validate('Heartbeat', 'req', {})).toBeNull();
  });

  it('names the faulty field in the message', () => {
    expect(v201.validate('Authorize', 'req', { idToken: { idToken: 5, type: 'ISO14443' } })?.message).toContain('/idToken/idToken');
  });
});

describe('routing tables', () => {
  it('route every station-initiated 1.6 Core message to a handler', () => {
    for (const action of ['Authorize', 'BootNotification', 'DataTransfer', 'Heartbeat', 'MeterValues', 'StartTransaction', 'StatusNotification', 'StopTransaction', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification']) {
      expect(v16Adapter.routes[action], action).toBeTypeOf('function');
    }
  });

  it('route every station-initiated 2.0.1 core message to a handler', () => {
    for (const action of ['Authorize', 'BootNotification', 'DataTransfer', 'Heartbeat', 'MeterValues', 'TransactionEvent', 'StatusNotification', 'NotifyReport']) {
      expect(v201Adapter.routes[action], action).toBeTypeOf('function');
    }
  });

  it('only route actions the official schemas define, and only list outbound actions they define', () => {
    for (const adapter of [v16Adapter, v201Adapter]) {
      const known = payloadValidator(adapter.protocol).actions;
      for (const action of [...Object.keys(adapter.routes), ...adapter.outboundActions]) expect(known.has(action), `${adapter.protocol} ${action}`).toBe(true);
    }
  });
});
