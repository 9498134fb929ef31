import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BEGIN, catalogue, END, replaceSection } from './catalogue.ts';
import { loadScenario } from './load.ts';

const EXAMPLES = new URL('../../scenarios/examples/', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

describe('catalogue', () => {
  it('renders one row per scenario: link, description, source, variants', () => {
    const table = catalogue(
      [
        loadScenario(join(EXAMPLES, 'headless-hostname.yaml')),
        loadScenario(join(EXAMPLES, 'stub-domain.yaml')),
      ],
      ROOT,
    );
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toBe('| Scenario | What it shows | Source | Corefile variants |');
    expect(lines[2]).toMatch(
      /^\| \[headless-hostname\]\(scenarios\/examples\/headless-hostname\.yaml\) \| A headless Service/,
    );
    expect(lines[2]).toMatch(/\| kind-default \|$/);
    expect(lines[3]).toMatch(/\| kind-default, with-stub × CoreDNS 1\.12\.4, 1\.14\.7 \|$/);
  });
  it('replaces only the text between the markers, and is idempotent', () => {
    const readme = `# x\n\n${BEGIN}\nold\n${END}\ntail\n`;
    const once = replaceSection(readme, 'new\n');
    expect(once).toBe(`# x\n\n${BEGIN}\nnew\n${END}\ntail\n`);
    expect(replaceSection(once, 'new\n')).toBe(once);
    expect(() => replaceSection('# x\n', 'new\n')).toThrow(/lacks the markers/);
  });
});
