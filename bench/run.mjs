// `npm run bench`: runs every benchmark and prints its table; results in bench/results/*.json.
// `npm run bench -- allocation archive`: only the benchmarks whose file name contains one of the words.
import { requireNode } from '../scripts/node-version.mjs';
requireNode();
const { readdirSync } = await import('node:fs');
const { spawnSync } = await import('node:child_process');
const { join, dirname } = await import('node:path');
const { fileURLToPath } = await import('node:url');
const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
let failed = 0;
for (const file of readdirSync(here).filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((w) => f.includes(w)))).sort()) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(process.execPath, [join(here, file)], { cwd: join(here, '..'), stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
