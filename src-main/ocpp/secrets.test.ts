import { describe, expect, it } from 'vitest';
import { MASK, maskFrameSecrets, maskPayloadSecrets } from './secrets.ts';

describe('maskFrameSecrets', () => {
  it('masks the 1.6 AuthorizationKey in ChangeConfiguration and in GetConfiguration answers', () => {
    const change = JSON.stringify([2, 'm1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: '0123456789abcdef' }]);
    expect(maskFrameSecrets(change)).toBe(JSON.stringify([2, 'm1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: MASK }]));
    const answer = JSON.stringify([3, 'm2', { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '60' }, { key: 'authorizationkey', readonly: false, value: 'secret' }] }]);
    const masked = JSON.parse(maskFrameSecrets(answer)) as [number, string, { configurationKey: Array<{ value: string }> }];
    expect(masked[2].configurationKey.map((k) => k.value)).toEqual(['60', MASK]);
  });

  it('masks the 2.0.1 BasicAuthPassword in SetVariables and NotifyReport, and leaves other variables', () => {
    const set = JSON.stringify([2, 'm3', 'SetVariables', { setVariableData: [
      { attributeValue: 'hunter2-hunter2', component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } },
      { attributeValue: '30', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
    ] }]);
    const out = maskFrameSecrets(set);
    expect(out).not.toContain('hunter2');
    expect(out).toContain('"attributeValue":"30"');
    const report = JSON.stringify([2, 'm4', 'NotifyReport', { requestId: 1, seqNo: 0, generatedAt: '2026-01-01T00:00:00Z', reportData: [
      { component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, variableAttribute: [{ value: 'p4ssw0rd-long' }] },
    ] }]);
    expect(maskFrameSecrets(report)).not.toContain('p4ssw0rd-long');
  });

  it('returns frames without secrets unchanged (same string) and masks frames cut at the length limit', () => {
    const heartbeat = '[2,"m5","Heartbeat",{}]';
    expect(maskFrameSecrets(heartbeat)).toBe(heartbeat);
    const cut = '[2,"m6","ChangeConfiguration",{"key":"AuthorizationKey","value":"abcdef0123456789"}';
    expect(maskFrameSecrets(`${cut}…`)).toBe(`[2,"m6","ChangeConfiguration",{"key":"AuthorizationKey","value":"${MASK}"}…`);
    const cutReport = '[2,"m7","SetVariables",{"setVariableData":[{"component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"},"attributeValue":"zzzsecret"}';
    expect(maskFrameSecrets(cutReport)).not.toContain('zzzsecret');
  });
});

describe('maskPayloadSecrets', () => {
  it('masks a copy of a command request and leaves the original and secret-free payloads alone', () => {
    const request = { key: 'AuthorizationKey', value: 'the-real-key-0001' };
    expect(maskPayloadSecrets(request)).toEqual({ key: 'AuthorizationKey', value: MASK });
    expect(request.value).toBe('the-real-key-0001');
    const plain = { key: 'HeartbeatInterval', value: '60' };
    expect(maskPayloadSecrets(plain)).toBe(plain);
    expect(maskPayloadSecrets(null)).toBeNull();
  });
});
