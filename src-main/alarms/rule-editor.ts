// The rule editor's server side: checks a rule (src-shared checkAlarmRule), stores the whole set
// (AlarmRuleStore) and only then swaps it into the running AlarmService. A bad rule is refused
// with every problem named and changes nothing.
import type { AlarmRulesInfo, AlarmRuleOrigin } from '../../src-shared/alarms/editor.ts';
import { checkAlarmRule, cleanAlarmRule, type AlarmRuleProblem } from '../../src-shared/alarms/rule-check.ts';
import type { AlarmRule } from '../../src-shared/alarms/types.ts';
import type { AlarmRuleStore } from './rule-store.ts';
import type { AlarmService } from './service.ts';

/** A rule the editor refuses: every problem, each naming its field. */
export class AlarmRuleRejected extends Error {
  readonly problems: AlarmRuleProblem[];
  constructor(problems: AlarmRuleProblem[]) {
    super(`The alarm rule is not valid: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'AlarmRuleRejected';
    this.problems = problems;
  }
}

export class UnknownAlarmRule extends Error {
  constructor(ruleId: string) {
    super(`No alarm rule ${ruleId}`);
    this.name = 'UnknownAlarmRule';
  }
}

export interface RuleEditorOptions {
  origin: AlarmRuleOrigin;
  savedAt?: string | null;
  savedBy?: string | null;
  /** Stations a scope may name (declared and accepted ones): asked at each check, the registry changes. */
  stationIds: () => readonly string[];
  siteIds: readonly string[];
}

export class AlarmRuleEditor {
  private readonly service: AlarmService;
  private readonly store: AlarmRuleStore;
  private origin: AlarmRuleOrigin;
  private savedAt: string | null;
  private savedBy: string | null;
  private readonly stationIds: () => readonly string[];
  private readonly siteIds: readonly string[];
  /** Edits run one after the other: each reads the set the previous one left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(service: AlarmService, store: AlarmRuleStore, options: RuleEditorOptions) {
    this.service = service;
    this.store = store;
    this.origin = options.origin;
    this.savedAt = options.savedAt ?? null;
    this.savedBy = options.savedBy ?? null;
    this.stationIds = options.stationIds;
    this.siteIds = options.siteIds;
  }

  list(): AlarmRulesInfo {
    return {
      rules: structuredClone([...this.service.ruleSet()]),
      origin: this.origin,
      savedAt: this.savedAt,
      savedBy: this.savedBy,
      stationIds: [...this.stationIds()].sort(),
      siteIds: [...this.siteIds],
    };
  }

  /** Problems of `rule` if it were saved (replacing the rule `replaces`, when editing one). */
  validate(rule: unknown, replaces?: string): AlarmRuleProblem[] {
    const others = this.service
      .ruleSet()
      .map((r) => r.id)
      .filter((id) => id !== (replaces ?? (rule as { id?: unknown } | null)?.id));
    return checkAlarmRule(rule, { otherRuleIds: others, stationIds: this.stationIds(), siteIds: this.siteIds });
  }

  /**
   * Adds a rule, or replaces the rule `replaces` (default: the one with the same id) in place.
   * Stored first, then applied live; resolves with the new set.
   */
  put(rule: AlarmRule, by: string, replaces?: string): Promise<AlarmRulesInfo> {
    return this.serialise(async () => {
      const problems = this.validate(rule, replaces);
      if (problems.length > 0) throw new AlarmRuleRejected(problems);
      const target = replaces ?? rule.id;
      const current = [...this.service.ruleSet()];
      if (replaces !== undefined && !current.some((r) => r.id === replaces)) throw new UnknownAlarmRule(replaces);
      const clean = cleanAlarmRule(rule);
      const index = current.findIndex((r) => r.id === target);
      const next = index >= 0 ? current.map((r, i) => (i === index ? clean : r)) : [...current, clean];
      await this.commit(next, by);
      return this.list();
    });
  }

  /** Removes a rule; its alarms clear ("rule removed or disabled"). */
  delete(ruleId: string, by: string): Promise<AlarmRulesInfo> {
    return this.serialise(async () => {
      const current = this.service.ruleSet();
      if (!current.some((r) => r.id === ruleId)) throw new UnknownAlarmRule(ruleId);
      await this.commit(
        current.filter((r) => r.id !== ruleId),
        by,
      );
      return this.list();
    });
  }

  private async commit(rules: AlarmRule[], by: string): Promise<void> {
    await this.store.save(rules, by);
    this.origin = 'edited';
    this.savedAt = new Date().toISOString();
    this.savedBy = by;
    await this.service.setRules(rules);
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
