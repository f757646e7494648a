import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OperatorNeeds } from '../../src-shared/api/index.ts';
import { operatorNeedsFile } from './smart-charging-settings.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'evs-needs-'));
  dirs.push(dir);
  return join(dir, 'session-needs.json');
};
const entry: OperatorNeeds = { departureAt: '2026-11-25T17:30:00.000Z', energyWh: 12_000, deliveredWhAtEntry: 3_000, setBy: 'alice', setAt: '2026-11-25T08:00:00.000Z' };

describe('operator needs file', () => {
  it('starts empty, keeps what is saved for the next start, and replaces the file whole', () => {
    const file = tempFile();
    const warnings: string[] = [];
    const store = operatorNeedsFile(file, (m) => warnings.push(m));
    expect(store.load()).toEqual({});
    store.save({ 12: entry });
    expect(operatorNeedsFile(file, (m) => warnings.push(m)).load()).toEqual({ 12: entry });
    store.save({});
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({});
    expect(warnings).toEqual([]);
  });

  it('says which file is broken and starts without its entries instead of failing', () => {
    const file = tempFile();
    for (const content of ['{ not json', '[1, 2]']) {
      writeFileSync(file, content);
      const warnings: string[] = [];
      expect(operatorNeedsFile(file, (m) => warnings.push(m)).load()).toEqual({});
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(file);
      expect(readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('drops an entry of the wrong shape alone, saying which', () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ 12: entry, 13: { ...entry, energyWh: 'lots' }, x: entry }));
    const warnings: string[] = [];
    expect(operatorNeedsFile(file, (m) => warnings.push(m)).load()).toEqual({ 12: entry });
    expect(warnings.map((w) => /transaction (\w+)/.exec(w)?.[1])).toEqual(['13', 'x']);
  });
});
