/**
 * A rule that makes requests fail or misbehave. It matches when `action` (if set) is the request's
 * action; it applies `times` times, or to a share `rate` (0–1) of the matching requests, or to every
 * matching request when neither is set.
 */
export interface FaultRule {
  action?: string;
  times?: number;
  rate?: number;
  /** Answer with this error instead of running the action (a known code keeps its documented message). */
  code?: string;
  status?: number;
  /** Answer this many milliseconds late. */
  delayMs?: number;
  /** Run the action (and persist it), then reset the connection without answering. */
  dropResponse?: boolean;
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultSet {
  private rules: ActiveRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(rule: FaultRule): void {
    validateRule(rule);
    this.rules.push({ rule: { ...rule }, remaining: rule.times ?? Infinity });
  }

  clear(): void {
    this.rules = [];
  }

  /** The rules that can still apply, in the order they are tried, with how many times each has left. */
  active(): { rule: FaultRule; remaining: number }[] {
    return this.rules
      .filter(({ remaining }) => remaining > 0)
      .map(({ rule, remaining }) => ({ rule: { ...rule }, remaining }));
  }

  /** The first rule that applies to this request, counting it as used. */
  take(action: string): FaultRule | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.action !== undefined && rule.action !== action) continue;
      if (active.remaining <= 0) continue;
      if (rule.rate !== undefined && this.random() >= rule.rate) continue;
      active.remaining -= 1;
      return rule;
    }
    return undefined;
  }
}

function validateRule(rule: FaultRule): void {
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0)) {
    throw new Error(`FaultRule.times must be a whole number ≥ 0, got ${rule.times}`);
  }
  if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
    throw new Error(`FaultRule.rate must be between 0 and 1, got ${rule.rate}`);
  }
  if (
    rule.status !== undefined &&
    !(Number.isInteger(rule.status) && rule.status >= 400 && rule.status <= 599)
  ) {
    throw new Error(`FaultRule.status must be an HTTP error status (400–599), got ${rule.status}`);
  }
  if (rule.delayMs !== undefined && !(rule.delayMs >= 0)) {
    throw new Error(`FaultRule.delayMs must be ≥ 0, got ${rule.delayMs}`);
  }
}
