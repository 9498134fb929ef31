/** Every report of a run, rendered from its RunResult alone (offline). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../run/result.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

export { renderHtml } from './html.ts';
export { parseRunResult, readRunResult, renderJson } from './json.ts';
export { renderJunit } from './junit.ts';
export { renderMarkdown } from './markdown.ts';
export { progressLine, summaryTable, type TerminalOptions } from './terminal.ts';

/** Write run.json, report.md, report.html and junit.xml into `dir` (created); return their paths. */
export function writeReports(result: RunResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['run.json', renderJson(result)],
    ['report.md', renderMarkdown(result)],
    ['report.html', renderHtml(result)],
    ['junit.xml', renderJunit(result)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
