// `npm run bench`: runs every benchmark and prints its table; results in bench/results/*.json.
import { requireNode } from '../scripts/node-version.mjs';
requireNode();
const { readdirSync } = await import('node:fs');
const { spawnSync } = await import('node:child_process');
const { join, dirname } = await import('node:path');
const { fileURLToPath } = await import('node:url');
const here = dirname(fileURLToPath(import.meta.url));
let failed = 0;
for (const file of readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort()) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(process.execPath, [join(here, file)], { cwd: join(here, '..'), stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
