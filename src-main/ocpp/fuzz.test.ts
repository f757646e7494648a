// Fuzzing the frame parser and every handler of both versions with fast-check: random JSON,
// random text and mutated valid frames. The process never crashes, every reply is a valid
// OCPP-J frame (results checked by ocpp-rpc's own validators, errors from the version's
// table), the connection keeps working and the archive stays consistent.
// FUZZ_RUNS scales the budget (small here; large in `npm run bench`).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import standardValidatorsModule from 'ocpp-rpc/lib/standard-validators.js';
import type { OcppProtocol } from '../../src-shared/domain/index.ts';
import { connectRaw, startTestSupervisor, type RawStation, type TestSupervisor } from '../app/test-support.ts';
import { ERROR_CODES } from './errors.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
// ocpp-rpc's own schema validators (CommonJS array [1.6, 2.0.1]); independent of ours.
type RpcValidator = { validate(schemaId: string, params: unknown): boolean };
const [validator16, validator201] = standardValidatorsModule as unknown as readonly [RpcValidator, RpcValidator];

const now = () => new Date().toISOString();
/** Valid CALLs of every station-initiated action we route, to mutate. */
const TEMPLATES: Record<OcppProtocol, Array<[string, Record<string, unknown>]>> = {
  'ocpp1.6': [
    ['BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }],
    ['Heartbeat', {}],
    ['StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: now() }],
    ['Authorize', { idTag: 'GOOD' }],
    ['StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 100, timestamp: now() }],
    ['StopTransaction', { transactionId: 1, meterStop: 500, timestamp: now(), reason: 'Local', transactionData: [{ timestamp: now(), sampledValue: [{ value: '400' }] }] }],
    ['MeterValues', { connectorId: 1, transactionId: 1, meterValue: [{ timestamp: now(), sampledValue: [{ value: '12.5', unit: 'kWh' }, { value: '7', measurand: 'Power.Active.Import', unit: 'kW' }] }] }],
    ['DataTransfer', { vendorId: 'X', messageId: 'm', data: 'd' }],
    ['FirmwareStatusNotification', { status: 'Installed' }],
    ['DiagnosticsStatusNotification', { status: 'Uploaded' }],
  ],
  'ocpp2.0.1': [
    ['BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }],
    ['Heartbeat', {}],
    ['StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 }],
    ['Authorize', { idToken: { idToken: 'GOOD', type: 'ISO14443' } }],
    [
      'TransactionEvent',
      {
        eventType: 'Started',
        timestamp: now(),
        triggerReason: 'Authorized',
        seqNo: 0,
        transactionInfo: { transactionId: 'F1', chargingState: 'Charging' },
        evse: { id: 1, connectorId: 1 },
        idToken: { idToken: 'GOOD', type: 'ISO14443' },
        meterValue: [{ timestamp: now(), sampledValue: [{ value: 10, context: 'Transaction.Begin' }] }],
      },
    ],
    ['TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'EVDeparted', seqNo: 1, transactionInfo: { transactionId: 'F1', stoppedReason: 'EVDisconnected' } }],
    ['MeterValues', { evseId: 1, meterValue: [{ timestamp: now(), sampledValue: [{ value: 5, unitOfMeasure: { unit: 'kWh', multiplier: 0 } }] }] }],
    ['NotifyReport', { requestId: 1, generatedAt: now(), seqNo: 0, tbc: false }],
    ['DataTransfer', { vendorId: 'X' }],
    ['SecurityEventNotification', { type: 'x', timestamp: now() }],
  ],
};

/** A value to put where a field was: wrong types, edge numbers, long and odd strings. */
const oddValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308),
  fc.string({ maxLength: 60 }),
  fc.constantFrom('', 'x'.repeat(600), '2026-02-30T25:61:00Z', '1e999', '\u0000', '9999-12-31T23:59:59.999999999Z', 'NaN'),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

function mutate(payload: unknown, path: number[], replacement: unknown, remove: boolean): unknown {
  if (typeof payload !== 'object' || payload === null) return replacement;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(payload) ? [...payload] : { ...(payload as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || path.length === 0) return remove ? copy : replacement;
  const key = keys[(path[0] as number) % keys.length] as string;
  const inner = (copy as Record<string, unknown>)[key];
  if (path.length === 1 || typeof inner !== 'object' || inner === null) {
    if (remove && !Array.isArray(copy)) delete (copy as Record<string, unknown>)[key];
    else (copy as Record<string, unknown>)[key] = replacement;
  } else (copy as Record<string, unknown>)[key] = mutate(inner, path.slice(1), replacement, remove);
  return copy;
}

function frameArbitrary(protocol: OcppProtocol): fc.Arbitrary<string> {
  const templates = TEMPLATES[protocol];
  const mutatedCall = fc
    .record({
      t: fc.nat({ max: templates.length - 1 }),
      path: fc.array(fc.nat({ max: 9 }), { minLength: 1, maxLength: 4 }),
      value: oddValue,
      remove: fc.boolean(),
      id: fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 40 })),
    })
    .map(({ t, path, value, remove, id }) => {
      const [action, payload] = templates[t] as [string, Record<string, unknown>];
      return JSON.stringify([2, id, action, mutate(payload, path, value, remove)]);
    });
  const validCall = fc.record({ t: fc.nat({ max: templates.length - 1 }), id: fc.uuid() }).map(({ t, id }) => {
    const [action, payload] = templates[t] as [string, Record<string, unknown>];
    return JSON.stringify([2, id, action, payload]);
  });
  const randomFrame = fc.oneof(
    fc.json(),
    fc.string({ maxLength: 200 }),
    fc.tuple(fc.integer({ min: -1, max: 6 }), fc.jsonValue(), fc.jsonValue(), fc.jsonValue()).map((t) => JSON.stringify(t)),
    fc.tuple(fc.constantFrom(2, 3, 4), fc.string({ maxLength: 40 }), fc.string({ maxLength: 30 }), fc.jsonValue()).map((t) => JSON.stringify(t)),
  );
  return fc.oneof({ arbitrary: mutatedCall, weight: 5 }, { arbitrary: validCall, weight: 1 }, { arbitrary: randomFrame, weight: 3 });
}

let sup: TestSupervisor;
const sockets: Partial<Record<OcppProtocol, RawStation>> = {};

beforeAll(async () => {
  sup = await startTestSupervisor();
  sockets['ocpp1.6'] = await connectRaw(sup.ocppUrl, 'CP16', 'ocpp1.6');
  sockets['ocpp2.0.1'] = await connectRaw(sup.ocppUrl, 'CP201', 'ocpp2.0.1');
  await sockets['ocpp1.6'].call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
  await sockets['ocpp2.0.1'].call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
});
afterAll(async () => {
  for (const s of Object.values(sockets)) await s?.close();
  await sup.dispose();
});

let probe = 0;

describe.each(['ocpp1.6', 'ocpp2.0.1'] as const)('fuzzing %s', (protocol) => {
  const codes = new Set(Object.values(ERROR_CODES[protocol]));
  const validator = protocol === 'ocpp1.6' ? validator16 : validator201;

  it('answers every frame with valid OCPP-J, never crashes and keeps the session alive', async () => {
    const station = sockets[protocol] as RawStation;
    const sentActions = new Map<string, string>();
    await fc.assert(
      fc.asyncProperty(frameArbitrary(protocol), async (text) => {
        try {
          const parsed = JSON.parse(text) as unknown;
          if (Array.isArray(parsed) && parsed[0] === 2 && typeof parsed[1] === 'string' && typeof parsed[2] === 'string') sentActions.set(parsed[1], parsed[2]);
        } catch {
          // not JSON: fine, it is fuzz
        }
        station.sendText(text);
        // A probe after each frame: everything before its answer is the fuzz frame's reply.
        const probeId = `probe-${++probe}`;
        station.send([2, probeId, 'Heartbeat', {}]);
        for (;;) {
          const frame = await station.next(5000);
          expect(Array.isArray(frame)).toBe(true);
          if (frame[0] === 3) {
            expect(frame).toHaveLength(3);
            expect(typeof frame[1]).toBe('string');
            const action = frame[1] === probeId ? 'Heartbeat' : sentActions.get(frame[1] as string);
            if (action) {
              let valid: unknown;
              try {
                valid = validator?.validate(`urn:${action}.conf`, frame[2]);
              } catch (error) {
                valid = error;
              }
              expect(valid, `${action} result ${JSON.stringify(frame[2])}`).toBe(true);
            }
            if (frame[1] === probeId) break;
          } else {
            expect(frame[0]).toBe(4);
            expect(frame).toHaveLength(5);
            expect(codes.has(frame[2] as string), `error code ${String(frame[2])}`).toBe(true);
            expect(typeof frame[3]).toBe('string');
            expect(typeof frame[4]).toBe('object');
          }
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261124), endOnFailure: true },
    );
  });
});

describe('after fuzzing', () => {
  it('the archive is consistent: integrity ok, no negative energy, no transaction of an unknown station', async () => {
    const page = sup.archive.queryTransactions({ limit: 10_000 });
    for (const t of page.items) {
      expect(['CP16', 'CP201']).toContain(t.stationId);
      if (t.energyWh !== null) expect(Number.isFinite(t.energyWh)).toBe(true);
      if (t.stoppedAt !== null) expect(t.stopReason).not.toBeNull();
    }
    expect(sup.archive.integrityCheck()).toBe('ok');
    // The central system still works normally.
    const s = sockets['ocpp1.6'] as RawStation;
    const start = await s.call('StartTransaction', { connectorId: 2, idTag: 'GOOD', meterStart: 0, timestamp: now() });
    expect(start[0]).toBe(3);
  });
});
