// Entry point of `npm run serve`: checks Node, builds the UI when it is missing or older
// than its sources, then starts the supervisor in server mode.
import { requireNode } from './node-version.mjs';
requireNode();

const { spawnSync } = await import('node:child_process');
const { existsSync, statSync, readdirSync } = await import('node:fs');
const { join, dirname } = await import('node:path');
const { fileURLToPath } = await import('node:url');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist/renderer/index.html');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

if (!process.argv.includes('--help')) {
  const stale = !existsSync(built) || newest(join(root, 'src-renderer')) > statSync(built).mtimeMs || newest(join(root, 'src-shared')) > statSync(built).mtimeMs;
  if (stale && existsSync(join(root, 'src-renderer/vite.config.ts'))) {
    console.log('Building the UI (dist/renderer)...');
    const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) {
      console.error('The UI build failed; the server starts without a UI.');
    }
  }
}

const { main } = await import('../src-main/app/cli.ts');
await main(process.argv.slice(2));
