// Atomic file replacement on a real folder: the new content in place, nothing left behind, the
// old content intact when the rename cannot happen, the mode of a secret file kept.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFile, replaceFile, replaceFileSync } from './index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'evs-files-'));
  dirs.push(d);
  return d;
}

describe.each([
  ['replaceFile', (p: string, c: string, m?: number) => replaceFile(p, c, m === undefined ? {} : { mode: m })],
  ['replaceFileSync', async (p: string, c: string, m?: number) => replaceFileSync(p, c, m === undefined ? {} : { mode: m })],
])('%s', (_name, replace) => {
  it('puts the new content in place of the old and leaves no temporary file', async () => {
    const dir = folder();
    const file = join(dir, 'settings.json');
    writeFileSync(file, 'old');
    await replace(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('creates a missing file with the mode asked for', async () => {
    const dir = folder();
    const file = join(dir, 'secret.json');
    await replace(file, '{"password":"x"}', 0o600);
    expect(readFileSync(file, 'utf8')).toBe('{"password":"x"}');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('fails when the rename cannot happen, leaving what was there and no temporary file', async () => {
    const dir = folder();
    // A folder in the way (not empty): the rename fails for every user, root included.
    const target = join(dir, 'store.json');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'kept');
    await expect(replace(target, 'new')).rejects.toThrow();
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('kept');
    expect(readdirSync(dir)).toEqual(['store.json']);
  });

  it('fails on a missing folder with the path in the error', async () => {
    const file = join(folder(), 'no', 'such', 'file.json');
    await expect(replace(file, 'x')).rejects.toThrow(/no[/\\]such/);
    expect(existsSync(file)).toBe(false);
  });
});

describe('createFile', () => {
  it('writes a new file, and refuses (EEXIST) one that exists without touching it', async () => {
    const dir = folder();
    const file = join(dir, '0001.json');
    await createFile(file, 'first');
    expect(readFileSync(file, 'utf8')).toBe('first');
    await expect(createFile(file, 'second')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(file, 'utf8')).toBe('first');
    expect(readdirSync(dir)).toEqual(['0001.json']);
  });
});
