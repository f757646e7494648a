import { describe, expect, it } from 'vitest';
import type { ProjectFileV2 } from '../../src-shared/project/index.ts';
import { groupLoads } from './project.ts';

const project: ProjectFileV2 = {
  formatVersion: 2,
  name: 'Load',
  templates: [
    { id: 'ac22', name: 'AC', kind: 'AC', maxPowerW: 22_000, connectors: [{}], protocol: 'ocpp1.6' },
    { id: 'dc2', name: 'DC', kind: 'DC', maxPowerW: 150_000, supplyMaxPowerW: 200_000, connectors: [{}, {}], protocol: 'ocpp2.0.1' },
  ],
  sites: [
    {
      id: 'S',
      name: 'S',
      parks: [
        {
          id: 'P',
          name: 'P',
          groups: [
            { id: 'main', name: 'Main', maxPowerW: 300_000 },
            { id: 'f1', name: 'F1', maxPowerW: 100_000, parent: 'main' },
          ],
          stations: [
            { id: 'A1', template: 'ac22', group: 'f1' },
            { id: 'A2', template: 'ac22', group: 'f1', overrides: { maxPowerW: 11_000 } },
            { id: 'D1', template: 'dc2', group: 'main' },
          ],
        },
      ],
    },
  ],
};

describe('groupLoads', () => {
  it('adds up the stations under each group, its feeders included, with shared supplies capped', () => {
    expect(groupLoads(project)).toEqual([
      { group: 'main', where: 'S/P', limitKw: 300, installedKw: 233, stations: 3 },
      { group: 'f1', where: 'S/P', limitKw: 100, installedKw: 33, stations: 2 },
    ]);
  });
});
