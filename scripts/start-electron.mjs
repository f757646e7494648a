// `npm start`: the Electron shell where Electron is installed; a clear message where not.
import { requireNode } from './node-version.mjs';
requireNode();

const { createRequire } = await import('node:module');
const { spawnSync } = await import('node:child_process');
const { join, dirname } = await import('node:path');
const { fileURLToPath } = await import('node:url');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
let electronBinary;
try {
  electronBinary = require('electron');
} catch {
  console.error(
    'Electron is not installed here (its binary cannot be downloaded on the build machines).\n' +
      'On a workstation: npm install --save-dev electron, then npm start.\n' +
      'Everywhere: npm run serve starts the same supervisor with the UI at http://127.0.0.1:8180/.',
  );
  process.exit(1);
}

const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (run([join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn']).status !== 0) process.exit(1);
// Bundle the shell: main as ESM, the sandboxed preload as CommonJS.
const { build } = await import('rolldown');
await build({ input: join(root, 'src-main/electron/main.ts'), platform: 'node', external: ['electron', 'better-sqlite3', /^node:/], output: { file: join(root, 'dist/electron/main.mjs'), format: 'esm' } });
await build({ input: join(root, 'src-main/electron/preload.ts'), platform: 'node', external: ['electron'], output: { file: join(root, 'dist/electron/preload.cjs'), format: 'cjs' } });
const r = spawnSync(electronBinary, [join(root, 'dist/electron/main.mjs')], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
