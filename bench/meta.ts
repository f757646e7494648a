// What every benchmark result records about its run: when, which commit, which machine.
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export function runMetadata(): { date: string; commit: string; machine: { cpus: number; model: string; memoryGiB: number; node: string } } {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // Not a git checkout: the figures still stand, without their commit.
  }
  return { date: new Date().toISOString(), commit, machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version } };
}
