/**
 * Every bundled scenario on the local backend, against the real CoreDNS of the default version:
 * each verdict must be a pass, a documented deviation, or a skip with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend, type LocalBackend } from '../../src/backends/local/index.ts';
import { describeDifference } from '../../src/compare/index.ts';
import { DEFAULT_COREDNS_VERSION } from '../../src/oracle/versions.ts';
import { runScenarios } from '../../src/run/runner.ts';
import { BUNDLED_SCENARIOS, scenarioFiles } from '../../src/scenario/list.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { planScenario } from '../../src/scenario/plan.ts';

const files = scenarioFiles(BUNDLED_SCENARIOS);
const controller = new AbortController();
const lines: string[] = [];
let backend: LocalBackend;

beforeAll(() => {
  backend = createLocalBackend({}, { log: (l) => lines.push(l), signal: controller.signal });
});
afterAll(async () => {
  await backend.teardown();
});

describe('bundled scenarios on the local backend', () => {
  it.each(files.map((f) => [f.slice(BUNDLED_SCENARIOS.length), f]))(
    '%s',
    async (_name, file) => {
      const plan = planScenario(loadScenario(file), [DEFAULT_COREDNS_VERSION]);
      const result = await runScenarios([plan], {
        backend,
        dnsconformVersion: 'test',
        log: (l) => lines.push(l),
        signal: controller.signal,
      });
      const failures = result.scenarios
        .flatMap((s) => s.variants)
        .flatMap((v) =>
          v.steps.flatMap((st) =>
            st.queries
              .filter((q) => q.verdict === 'diff' || q.verdict === 'unstable')
              .map(
                (q) =>
                  `[${v.name}/${st.name}] ${q.probe.kind === 'tool' ? `${q.probe.tool} from ${q.probe.pod}: ` : ''}` +
                  `${q.query.name} ${q.query.type} ${q.verdict}: ${q.differences.map(describeDifference).join('; ')}`,
              ),
          ),
        );
      expect(failures).toEqual([]);
      expect(result.summary.total).toBeGreaterThan(0);
    },
    300_000,
  );
});
