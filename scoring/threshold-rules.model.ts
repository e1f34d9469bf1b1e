import type { RuleSpec } from '../common/reading/profiles.js';
import {
  type AnomalyModel,
  DEFAULT_THRESHOLDS,
  type Finding,
  type Observation,
  type Thresholds,
} from './model.js';
import { StationKeyedMap, type StationStateHolder } from './station-state.js';

/** A rule that is currently firing for a station: the citizen-facing warning. */
export interface ActiveWarning {
  readonly stationId: string;
  readonly profile: string;
  readonly rule: RuleSpec;
  readonly value: number;
  /** When the rule started firing (epoch ms). */
  readonly since: number;
}

interface RuleState {
  /** Consecutive readings past the firing limit while not yet active. */
  pending: number;
  activeSince: number | undefined;
  lastValue: number;
}

/** A rule's key among its station's states: `profile\u0000index`, made once per profile and rule. */
function ruleKey(profile: string, rule: number): string {
  let keys = RULE_KEYS.get(profile);
  if (!keys) {
    keys = [];
    RULE_KEYS.set(profile, keys);
  }
  let key = keys[rule];
  if (key === undefined) {
    key = `${profile}\u0000${rule}`;
    keys[rule] = key;
  }
  return key;
}

/** Joining the key anew for every reading would make the map hash a fresh string each time. */
const RULE_KEYS = new Map<string, string[]>();

/**
 * Threshold rules of each profile (config/profiles.yaml) with hysteresis and a minimum duration: a rule
 * fires once its sensor has been past `above` (or below `below`) for `forReadings` consecutive readings,
 * and stays active until the value comes back past `clearBelow` (or `clearAbove`), so a value hovering
 * at the limit does not flap. Unlike the statistical models it knows nothing of "normal": the limits are
 * what people decided. `score` judges the reading against the state it would reach; `learn` moves there.
 */
export class ThresholdRulesModel implements AnomalyModel, StationStateHolder {
  readonly name = 'rules';
  readonly stateKey = 'rules';
  private readonly states = new StationKeyedMap<RuleState>();

  constructor(private readonly thresholds: Thresholds = DEFAULT_THRESHOLDS) {}

  warmingUp(): boolean {
    return false;
  }

  score(observation: Observation): Finding[] {
    const findings: Finding[] = [];
    const rules = observation.profileSpec.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as RuleSpec;
      const value = observation.values[rule.sensor];
      if (value === null || value === undefined) continue;
      const { activeSince } = this.next(observation, i, rule, value);
      if (activeSince === undefined) continue;
      const score = rule.severity === 'critical' ? this.thresholds.criticalZ : this.thresholds.warningZ;
      findings.push({
        model: this.name,
        kind: 'rule',
        sensors: [rule.sensor],
        score,
        severity: rule.severity,
        facts: {
          value,
          limit: (rule.above ?? rule.below) as number,
          direction: rule.above !== undefined ? 'above' : 'below',
          message: rule.message,
          since: activeSince,
        },
      });
    }
    return findings;
  }

  /** Every rule's state moves on by the reading, whatever the verdict: the limits are fixed, not learnt. */
  learn(observation: Observation): void {
    const rules = observation.profileSpec.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as RuleSpec;
      const value = observation.values[rule.sensor];
      if (value === null || value === undefined) continue;
      const key = ruleKey(observation.profile, i);
      const state = this.states.get(observation.stationId, key);
      const { pending, activeSince } = advance(state, rule, value, observation.ts);
      if (state) {
        state.pending = pending;
        state.activeSince = activeSince;
        state.lastValue = value;
      } else {
        this.states.set(observation.stationId, key, { pending, activeSince, lastValue: value });
      }
    }
  }

  /** The rule's state once `value` is counted, without changing the stored one (`score` must not). */
  private next(observation: Observation, index: number, rule: RuleSpec, value: number) {
    const state = this.states.get(observation.stationId, ruleKey(observation.profile, index));
    return advance(state, rule, value, observation.ts);
  }

  explain(finding: Finding): string {
    const f = finding.facts;
    return `rule: ${f.message} (${finding.sensors[0]} ${f.value} ${f.direction} ${f.limit} since ${new Date(Number(f.since)).toISOString()})`;
  }

  /** Every rule firing now, for the warnings feed. */
  activeWarnings(profiles: Readonly<Record<string, { rules: readonly RuleSpec[] }>>): ActiveWarning[] {
    const warnings: ActiveWarning[] = [];
    for (const [stationId, key, state] of this.states.entries()) {
      if (state.activeSince === undefined) continue;
      const [profile, index] = key.split('\u0000') as [string, string];
      const rule = profiles[profile]?.rules[Number(index)];
      if (rule) warnings.push({ stationId, profile, rule, value: state.lastValue, since: state.activeSince });
    }
    return warnings;
  }

  exportStations(stations: ReadonlySet<string>): Map<string, unknown> {
    return this.states.byStation(stations);
  }

  importStation(stationId: string, state: unknown): void {
    for (const [rule, data] of Object.entries(state as Record<string, RuleState>)) {
      this.states.set(stationId, rule, { ...data });
    }
  }

  forgetStations(stations: ReadonlySet<string>): void {
    this.states.forget(stations);
  }
}

/** A rule's pending count and start once `value` (read at `ts`) is counted after `state`. */
function advance(state: RuleState | undefined, rule: RuleSpec, value: number, ts: number) {
  let pending = state?.pending ?? 0;
  let activeSince = state?.activeSince;
  if (activeSince === undefined) {
    pending = firing(rule, value) ? pending + 1 : 0;
    if (pending >= rule.forReadings) activeSince = ts;
  } else if (cleared(rule, value)) {
    activeSince = undefined;
    pending = 0;
  }
  return { pending, activeSince };
}

function firing(rule: RuleSpec, value: number): boolean {
  return rule.above !== undefined ? value > rule.above : value < (rule.below as number);
}

function cleared(rule: RuleSpec, value: number): boolean {
  if (rule.above !== undefined) return value < (rule.clearBelow ?? rule.above);
  return value > (rule.clearAbove ?? (rule.below as number));
}
