/** The comparison: named normalisation rules (rules/) applied to wire answers and tool outcomes. */
export { ABSENT, describeDifference, recordText } from './difference.ts';
export { COMPARE_SWITCHES, RULES, type Rule, Switches, unknownSwitches } from './rules/index.ts';
export {
  type Change,
  describeChange,
  diffRuns,
  type MatchedQuery,
  type OneSided,
  type QueryKey,
  type RunDiff,
  type Side,
} from './runs.ts';
export { compareTool, type ToolCompareOptions, type ToolExpectation } from './tool.ts';
export type { Comparison, DocumentedDeviation } from './verdict.ts';
export { compareWire, recordKey, SECTIONS, type Section, type WireCompareOptions } from './wire.ts';
