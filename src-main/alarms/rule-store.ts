// Where the edited alarm rule set lives: DATA/alarm-rules.json, written atomically. The running
// project comes from --project at every start (the project workspace then records that file as
// its latest version), so rules edited in the UI are kept beside the archive and win over the
// project's own `alarmRules`, which win over the built-in defaults.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlarmRule } from '../../src-shared/alarms/types.ts';
import { replaceFile } from '../files/index.ts';

export const ALARM_RULES_FILE = 'alarm-rules.json';

export interface StoredAlarmRules {
  formatVersion: 1;
  savedAt: string;
  savedBy: string;
  rules: AlarmRule[];
}

export class AlarmRuleStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, ALARM_RULES_FILE);
  }

  /** The stored rule set, or null when nobody has edited the rules here yet. Throws (naming the file) when it cannot be read. */
  load(): StoredAlarmRules | null {
    if (!existsSync(this.path)) return null;
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw new Error(`${this.path}: cannot read the alarm rules: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const stored = data as Partial<StoredAlarmRules> | null;
    if (!stored || stored.formatVersion !== 1 || !Array.isArray(stored.rules)) throw new Error(`${this.path}: not an alarm rule file (expected formatVersion 1 and a rules list)`);
    return stored as StoredAlarmRules;
  }

  /** Writes the whole set (temporary file then rename: a crash leaves the old or the new set, never half). */
  async save(rules: readonly AlarmRule[], savedBy: string): Promise<void> {
    const content: StoredAlarmRules = { formatVersion: 1, savedAt: new Date().toISOString(), savedBy, rules: [...rules] };
    await replaceFile(this.path, `${JSON.stringify(content, null, 2)}\n`);
  }
}
