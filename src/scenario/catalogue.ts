/**
 * The README's scenario catalogue: a Markdown table between `<!-- scenarios:begin -->` and
 * `<!-- scenarios:end -->`, generated from the scenario files (scripts/gen-catalogue.ts).
 */
import { relative } from 'node:path';
import type { Scenario } from './types.ts';

export const BEGIN = '<!-- scenarios:begin -->';
export const END = '<!-- scenarios:end -->';

/** The table, one row per scenario; links relative to `base` (the README's folder). */
export function catalogue(scenarios: Scenario[], base: string): string {
  if (scenarios.length === 0) return '';
  const rows = scenarios.map((s) => {
    const link = `[${s.name}](${relative(base, s.file).split('\\').join('/')})`;
    const corefiles = s.corefiles.map((c) => c.name).join(', ');
    const versions = s.corednsVersions ? ` × CoreDNS ${s.corednsVersions.join(', ')}` : '';
    return `| ${[link, s.description, s.source ?? '', corefiles + versions].map(cell).join(' | ')} |`;
  });
  return ['| Scenario | What it shows | Source | Corefile variants |', '|---|---|---|---|', ...rows, ''].join(
    '\n',
  );
}

/** `readme` with the text between the markers replaced; throws when the markers are missing. */
export function replaceSection(readme: string, section: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README lacks the markers ${BEGIN} … ${END}`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${section}${readme.slice(end)}`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}
