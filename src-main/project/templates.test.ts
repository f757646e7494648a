// Templates: a station is its template's values overridden by its own; editing a template
// changes every instance except the fields that instance overrides. The shipped library loads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectError, effectiveAlarmRules, effectiveValues, loadProject, loadTemplateLibrary, resolveProject } from './index.ts';
import { V2_FIXTURE, smallProject, template } from './test-support.ts';

describe('resolveProject', () => {
  it('gives each station the template values, then its own protocol, password, position and overrides', () => {
    const resolved = resolveProject(smallProject());
    const [cp1, cp2, cp3] = resolved.stations;
    expect(cp1).toMatchObject({ id: 'CP1', site: 's1', park: 'p1', group: 'f1', protocol: 'ocpp1.6', password: 'password-1', maxPowerW: 22_000, vendor: 'ACME' });
    expect(cp1?.connectors).toEqual([{ id: 1, type: 'Type2', maxPowerW: 22_000 }]);
    expect(cp1?.overridden).toEqual([]);
    expect(cp2).toMatchObject({ protocol: 'ocpp2.0.1', maxPowerW: 11_000, overridden: ['protocol', 'maxPowerW'] });
    expect(cp2?.connectors[0]?.maxPowerW).toBe(11_000);
    expect(cp3).toMatchObject({ site: 's1', park: 'p2', group: 'f2' });
  });

  it('editing a template changes every instance except the fields an instance overrides', () => {
    const project = smallProject();
    const before = resolveProject(project);
    const t = project.templates[0];
    if (!t) throw new Error('fixture changed');
    t.maxPowerW = 7_400;
    t.protocol = 'ocpp2.0.1';
    t.vendor = 'Other';
    t.configuration = { HeartbeatInterval: '120' };
    const overrides = project.sites[0]?.parks[0]?.stations[0];
    if (!overrides) throw new Error('fixture changed');
    overrides.overrides = { configuration: { MeterValueSampleInterval: '15' }, vendor: 'Kept' };

    const after = resolveProject(project);
    const byId = new Map(after.stations.map((s) => [s.id, s]));
    // CP1 overrides vendor and one configuration key: the rest follows the template.
    expect(byId.get('CP1')).toMatchObject({ vendor: 'Kept', maxPowerW: 7_400, protocol: 'ocpp2.0.1' });
    expect(byId.get('CP1')?.configuration).toEqual({ HeartbeatInterval: '120', MeterValueSampleInterval: '15' });
    // CP2 overrides maxPowerW and protocol: those stay, the vendor follows.
    expect(byId.get('CP2')).toMatchObject({ vendor: 'Other', maxPowerW: 11_000, protocol: 'ocpp2.0.1' });
    // CP3 overrides nothing: everything follows.
    expect(byId.get('CP3')).toMatchObject({ vendor: 'Other', maxPowerW: 7_400, protocol: 'ocpp2.0.1' });
    expect(byId.get('CP3')?.configuration).toEqual({ HeartbeatInterval: '120' });
    expect(before.stations.find((s) => s.id === 'CP2')?.protocol).toBe('ocpp2.0.1');
  });

  it('merges alarm rules by id: an instance rule replaces the template rule of that id, new ones are added', () => {
    const values = effectiveValues(
      template({
        alarmRules: [
          { id: 'a', name: 'A', kind: 'communicationLost', severity: 'major' },
          { id: 'b', name: 'B', kind: 'connectorFaulted', severity: 'minor' },
        ],
      }),
      { alarmRules: [{ id: 'b', name: 'B', kind: 'connectorFaulted', severity: 'critical' }, { id: 'c', name: 'C', kind: 'chargeStalled', severity: 'info' }] },
    );
    expect(values.alarmRules?.map((r) => [r.id, r.severity])).toEqual([
      ['a', 'major'],
      ['b', 'critical'],
      ['c', 'info'],
    ]);
  });

  it('replaces the connector list as a whole and keeps per-connector powers', () => {
    const values = effectiveValues(template(), { connectors: [{ type: 'Type2' }, { type: 'Domestic', maxPowerW: 3_700 }] });
    expect(values.connectors).toHaveLength(2);
    const project = smallProject();
    const station = project.sites[0]?.parks[1]?.stations[0];
    if (!station) throw new Error('fixture changed');
    station.overrides = { connectors: [{ type: 'Type2' }, { type: 'Domestic', maxPowerW: 3_700 }] };
    expect(resolveProject(project).stations[2]?.connectors).toEqual([
      { id: 1, type: 'Type2', maxPowerW: 22_000 },
      { id: 2, type: 'Domestic', maxPowerW: 3_700 },
    ]);
  });

  it('does not share objects between the template and its resolved stations', () => {
    const project = smallProject();
    const resolved = resolveProject(project);
    const first = resolved.stations[0];
    if (!first) throw new Error('fixture changed');
    first.configuration.HeartbeatInterval = '1';
    first.connectors.push({ id: 2, maxPowerW: 1 });
    expect(project.templates[0]?.configuration?.HeartbeatInterval).toBe('300');
    expect(resolved.stations[1]?.configuration.HeartbeatInterval).toBe('300');
    expect(project.templates[0]?.connectors).toHaveLength(1);
  });

  it('reports a station naming an unknown template as a ProjectError at its pointer', () => {
    const project = smallProject();
    const station = project.sites[0]?.parks[1]?.stations[0];
    if (!station) throw new Error('fixture changed');
    station.template = 'gone';
    expect(() => resolveProject(project)).toThrow(/\/sites\/0\/parks\/1\/stations\/0\/template "gone"/);
  });

  it('places the stations of a park view at their positions, moved by the view placements', () => {
    const resolved = loadProject(V2_FIXTURE);
    const plan = resolved.views.find((v) => v.id === 'demo-plan');
    expect(plan?.effectivePlacements).toHaveLength(12);
    expect(plan?.effectivePlacements[0]).toEqual({ station: 'DEMO-AC-01', x: 8, y: 20 });
    expect(resolved.views.find((v) => v.id === 'dc-zoom')?.effectivePlacements.map((p) => p.station)).toEqual([
      'DEMO-DC-01',
      'DEMO-DC-02',
      'DEMO-DC-03',
      'DEMO-DC-04',
    ]);
  });
});

describe('effectiveAlarmRules', () => {
  it('keeps project rules and scopes each template rule to its stations, one rule per variant', () => {
    const rules = effectiveAlarmRules(loadProject(V2_FIXTURE));
    expect(rules.map((r) => r.id)).toEqual(['group-limit', 'comm-lost', 'comm-lost~2', 'charge-stalled', 'charge-stalled~2']);
    const scope = (id: string): unknown => rules.find((r) => r.id === id)?.scope;
    expect(scope('comm-lost')).toEqual({ stationIds: ['DEMO-AC-01', 'DEMO-AC-02', 'DEMO-AC-03', 'DEMO-AC-04', 'DEMO-AC-05', 'DEMO-AC-06', 'DEMO-AC-07', 'DEMO-AC-08'] });
    expect(scope('comm-lost~2')).toEqual({ stationIds: ['DEMO-DC-01', 'DEMO-DC-02', 'DEMO-DC-03', 'DEMO-DC-04'] });
    expect(scope('charge-stalled~2')).toEqual({ stationIds: ['DEMO-DC-04'] });
    expect(rules.find((r) => r.id === 'charge-stalled~2')?.severity).toBe('major');
  });
});

describe('the template library (assets/templates)', () => {
  it('loads and validates every shipped template, AC 7/11/22 kW, DC 50/150/350 kW, bus depot and truck MCS', () => {
    const library = loadTemplateLibrary();
    const summary = library.map((t) => [t.id, t.kind, t.maxPowerW]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['ac-7kw-wallbox', 'AC', 7_400],
        ['ac-11kw-wallbox', 'AC', 11_000],
        ['ac-22kw-wallbox', 'AC', 22_000],
        ['dc-50kw', 'DC', 50_000],
        ['dc-150kw', 'DC', 150_000],
        ['dc-350kw', 'DC', 350_000],
        ['bus-depot-pantograph', 'DC', 450_000],
        ['bus-depot-plug', 'DC', 150_000],
        ['truck-mcs', 'DC', 1_000_000],
      ]),
    );
    expect(library.find((t) => t.id === 'bus-depot-pantograph')?.connectors[0]?.type).toBe('Pantograph');
    expect(library.find((t) => t.id === 'truck-mcs')?.connectors[0]?.type).toBe('MCS');
    for (const t of library) {
      expect(t.symbol).toBeTruthy();
      expect(t.alarmRules?.length).toBeGreaterThan(0);
      expect(Object.keys(t.configuration ?? {}).length).toBeGreaterThan(0);
    }
  });

  it('refuses a template file with a faulty field, naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evs-templates-'));
    try {
      writeFileSync(join(dir, 'a.json'), JSON.stringify(template({ id: 'a' })));
      writeFileSync(join(dir, 'b.json'), JSON.stringify({ ...template({ id: 'b' }), connectors: [{ type: 'Type9' }] }));
      let error: unknown;
      try {
        loadTemplateLibrary(dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProjectError);
      expect((error as Error).message).toContain(join(dir, 'b.json'));
      expect((error as Error).message).toContain('/connectors/0/type must be one of');
      writeFileSync(join(dir, 'b.json'), JSON.stringify(template({ id: 'a' })));
      expect(() => loadTemplateLibrary(dir)).toThrow(/\/id "a" is already the id of .*a\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
