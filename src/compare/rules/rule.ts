/** A named comparison rule: listed in every result it applied to, switchable per scenario. */
import type { RuleName } from '../../run/result.ts';

export interface Rule {
  name: RuleName;
  /** One line for reports and `--help`. */
  description: string;
  /**
   * The key of the scenario's `compare:` map that turns the rule off (`{ ttl: false }`), or
   * undefined when it cannot be switched off.
   */
  switch: string | undefined;
}
