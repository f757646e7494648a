// Fixtures and helpers shared by the project tests.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProjectFile, ProjectFileV2, StationTemplate, WizardAnswers } from '../../src-shared/project/index.ts';

export const ASSETS = resolve(fileURLToPath(import.meta.url), '../../../assets');
export const FIXTURES = resolve(ASSETS, 'fixtures');
export const V1_FIXTURE = resolve(FIXTURES, 'project-v1/project.json');
export const V2_FIXTURE = resolve(FIXTURES, 'project-v2/project.json');

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function v1(): ProjectFile {
  return readJson<ProjectFile>(V1_FIXTURE);
}

export function v2(): ProjectFileV2 {
  return readJson<ProjectFileV2>(V2_FIXTURE);
}

/** A small template for tests. */
export function template(overrides: Partial<StationTemplate> = {}): StationTemplate {
  return {
    id: 't-ac22',
    name: 'AC 22',
    vendor: 'ACME',
    model: 'W22',
    kind: 'AC',
    maxPowerW: 22_000,
    phases: 3,
    connectors: [{ type: 'Type2' }],
    protocol: 'ocpp1.6',
    securityProfile: 1,
    configuration: { HeartbeatInterval: '300', MeterValueSampleInterval: '60' },
    ...overrides,
  };
}

/** A valid format-2 project with two parks, built in code. */
export function smallProject(): ProjectFileV2 {
  return {
    formatVersion: 2,
    name: 'Small',
    sites: [
      {
        id: 's1',
        name: 'Site 1',
        parks: [
          {
            id: 'p1',
            name: 'Park 1',
            groups: [
              { id: 'main', name: 'Main', maxPowerW: 200_000 },
              { id: 'f1', name: 'Feeder 1', maxPowerW: 100_000, parent: 'main' },
            ],
            stations: [
              { id: 'CP1', template: 't-ac22', group: 'f1', password: 'password-1', position: { x: 10, y: 10 } },
              { id: 'CP2', template: 't-ac22', group: 'f1', protocol: 'ocpp2.0.1', overrides: { maxPowerW: 11_000 } },
            ],
          },
          {
            id: 'p2',
            name: 'Park 2',
            groups: [{ id: 'f2', name: 'Feeder 2', maxPowerW: 50_000 }],
            stations: [{ id: 'CP3', template: 't-ac22', group: 'f2' }],
          },
        ],
      },
    ],
    templates: [template()],
    views: [{ id: 'p1-plan', name: 'Park 1', park: 'p1', home: true }],
  };
}

/** Wizard answers for one park of 50 AC stations and one of 4 DC stations. */
export function answers50(): WizardAnswers {
  return {
    name: 'Fleet depot',
    sites: [
      {
        id: 'depot',
        name: 'Depot',
        parks: [
          {
            id: 'P1',
            name: 'Car park',
            groups: [
              { id: 'P1-main', name: 'Main board', maxPowerW: 500_000, maxCurrentA: [720, 720, 720] },
              { id: 'P1-f1', name: 'Feeder 1', maxPowerW: 250_000, parent: 'P1-main' },
              { id: 'P1-f2', name: 'Feeder 2', maxPowerW: 250_000, parent: 'P1-main' },
            ],
            stations: [
              { template: 'ac-22kw-wallbox', pattern: 'P1-CP{01..25}', group: 'P1-f1' },
              { template: 'ac-22kw-wallbox', pattern: 'P1-CP{26..50}', group: 'P1-f2' },
            ],
          },
          {
            id: 'P2',
            name: 'Truck yard',
            groups: [{ id: 'P2-main', name: 'Truck board', maxPowerW: 1_200_000 }],
            stations: [{ template: 'dc-150kw', pattern: 'P2-DC{1..}', count: 4, group: 'P2-main', protocol: 'ocpp1.6' }],
          },
        ],
      },
    ],
    security: { securityProfile: 1, passwordSeed: 'a-test-seed-of-sixteen-chars' },
    archive: { kind: 'sqlserver', server: 'db.example.local', database: 'evs', authentication: 'sql', user: 'evs', passwordEnv: 'EVS_DB_PASSWORD' },
    operators: [
      { login: 'alice', name: 'Alice', role: 'engineer' },
      { login: 'bob', name: 'Bob', role: 'operator' },
    ],
  };
}
