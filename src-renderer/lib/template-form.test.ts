import { describe, expect, it } from 'vitest';
import type { StationTemplate } from '../../src-shared/project/index.ts';
import { duplicateForm, emptyTemplateForm, fieldOfPointer, formFromTemplate, templateFromForm, validateTemplateForm } from './template-form.ts';

// The shipped library, as the build sees it.
const LIBRARY: StationTemplate[] = Object.values(import.meta.glob<StationTemplate>('../../assets/templates/*.json', { eager: true, import: 'default' }));

const NONE = { create: false, taken: new Set<string>() };

describe('template form', () => {
  it('round-trips every shipped template exactly (form → template)', () => {
    expect(LIBRARY.length).toBeGreaterThanOrEqual(9);
    for (const t of LIBRARY) {
      const form = formFromTemplate(t);
      expect(validateTemplateForm(form, NONE)).toEqual([]);
      expect(templateFromForm(form)).toEqual(t);
    }
  });

  it('duplicates under a free id and a suffixed name', () => {
    const t = LIBRARY.find((x) => x.id === 'ac-22kw-wallbox');
    if (!t) throw new Error('library changed');
    const form = duplicateForm(t, new Set(['ac-22kw-wallbox-copy']), '(copy)');
    expect(form.id).toBe('ac-22kw-wallbox-copy-2');
    expect(form.name).toBe('AC wallbox 22 kW (copy)');
    expect(validateTemplateForm(form, { create: true, taken: new Set(['ac-22kw-wallbox', 'ac-22kw-wallbox-copy']) })).toEqual([]);
  });

  it('puts each problem at its field', () => {
    const form = { ...emptyTemplateForm(), id: 'has space', name: '', maxKw: '-3', efficiency: '1.5', supplyKw: 'abc' };
    form.connectors = [{ type: 'Type2', maxKw: '0', label: '' }];
    form.configuration = 'HeartbeatInterval=300\nno equals sign';
    form.alarmRules = '[{"id": "a", "name": "A", "kind": "communicationLost", "severity": "huge"}]';
    const errors = validateTemplateForm(form, NONE);
    expect(errors).toEqual([
      { field: 'id', key: 'idChars' },
      { field: 'name', key: 'required' },
      { field: 'maxKw', key: 'positive' },
      { field: 'supplyKw', key: 'number' },
      { field: 'efficiency', key: 'efficiency' },
      { field: 'connectors.0.maxKw', key: 'positive' },
      { field: 'configuration', key: 'configLine', params: { line: 2 } },
      { field: 'alarmRules', key: 'ruleSeverity', params: { n: 1, severities: 'critical, major, minor, warning, info' } },
    ]);
  });

  it('refuses a taken id for a new template, no connector, bad JSON and duplicate rule ids', () => {
    const form = { ...emptyTemplateForm(), id: 'ac', name: 'AC', connectors: [], alarmRules: '[1,' };
    const keys = validateTemplateForm(form, { create: true, taken: new Set(['ac']) }).map((e) => `${e.field}:${e.key}`);
    expect(keys).toEqual(['id:idTaken', 'connectors:connectorsMin', 'alarmRules:json']);
    const rule = { id: 'r', name: 'R', kind: 'chargeStalled', severity: 'minor' };
    const dup = validateTemplateForm({ ...emptyTemplateForm(), id: 'x', name: 'X', alarmRules: JSON.stringify([rule, rule]) }, NONE);
    expect(dup).toEqual([{ field: 'alarmRules', key: 'ruleDuplicate', params: { id: 'r' } }]);
    const notList = validateTemplateForm({ ...emptyTemplateForm(), id: 'x', name: 'X', alarmRules: '{}' }, NONE);
    expect(notList).toEqual([{ field: 'alarmRules', key: 'rulesList' }]);
  });

  it('reads kW with a decimal comma and writes watts', () => {
    const form = { ...emptyTemplateForm(), id: 'ac7', name: 'AC 7,4', maxKw: '7,4', phases: '1' as const, maxCurrentA: '32' };
    expect(templateFromForm(form)).toMatchObject({ maxPowerW: 7_400, phases: 1, maxCurrentA: 32 });
  });

  it('maps server pointers to form fields', () => {
    expect(fieldOfPointer('/maxPowerW')).toBe('maxKw');
    expect(fieldOfPointer('/connectors/1/maxPowerW')).toBe('connectors.1.maxKw');
    expect(fieldOfPointer('/alarmRules/0/id')).toBe('alarmRules');
    expect(fieldOfPointer('/sites/0/parks/0/stations/1/overrides')).toBe('');
  });
});
