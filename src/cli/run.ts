/**
 * `dnsconform run [SCENARIO|DIR…] --backend local|kind|existing`: every scenario × Corefile
 * variant × CoreDNS version, predicted and asked live, compared, reported. Exit 0 when every
 * verdict is a pass, a documented deviation or a skip; 1 on any diff or unstable answer; 2 for bad
 * input or a missing environment. All scenario files are loaded and checked before anything starts.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend, BackendContext } from '../backends/types.ts';
import { InputError } from '../errors.ts';
import { DEFAULT_COREDNS_VERSION, profileFor } from '../oracle/versions.ts';
import { summaryTable, writeReports } from '../report/index.ts';
import { runScenarios } from '../run/runner.ts';
import { BUNDLED_SCENARIOS, scenarioFiles } from '../scenario/list.ts';
import { loadScenario } from '../scenario/load.ts';
import { planScenario } from '../scenario/plan.ts';
import { parseFlags } from './args.ts';
import type { CommandContext } from './main.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const HELP = `usage: dnsconform run [SCENARIO.yaml|DIR …] [options]

Runs scenarios (default: the bundled ones in scenarios/) and writes run.json, report.md,
report.html and junit.xml into the report directory.

options:
  --backend local|kind|existing   where CoreDNS runs (default: local — a real CoreDNS, no Docker)
  --coredns-version X.Y.Z         CoreDNS version; repeat to run every scenario on each (default ${DEFAULT_COREDNS_VERSION})
  --coredns-binary PATH           local: use this CoreDNS binary instead of building one
  --node-image IMAGE              kind: node image (default: kind's)
  --keep                          kind: keep the cluster for the next run
  --kubeconfig FILE, --context C  existing: the cluster to use
  --allow-corefile-change         existing: swap in the scenarios' Corefiles (the original is restored)
  --allow-foreign-cluster         existing: allow a context that is not a dnsconform kind cluster
  --report DIR                    report directory (default: reports)
  --json                          print the run summary as JSON on stdout
`;

export async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags('run', argv, {
    backend: { type: 'string', default: 'local' },
    'coredns-version': { type: 'string', multiple: true },
    'coredns-binary': { type: 'string' },
    'node-image': { type: 'string' },
    keep: { type: 'boolean', default: false },
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    'allow-corefile-change': { type: 'boolean', default: false },
    'allow-foreign-cluster': { type: 'boolean', default: false },
    report: { type: 'string', default: 'reports' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const versions = values['coredns-version'] ?? [DEFAULT_COREDNS_VERSION];
  for (const v of versions) profileFor(v);
  const files = scenarioPaths(positionals.length > 0 ? positionals : [BUNDLED_SCENARIOS]);
  const plans = files.map((f) => planScenario(loadScenario(f), versions));
  const reportDir = resolve(values.report);

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const backendCtx: BackendContext = { log, signal: ctx.signal };
  const backend = await createBackend(values, reportDir, backendCtx);
  log(`dnsconform: ${plans.length} scenario(s) on the ${backend.name} backend`);
  let result: Awaited<ReturnType<typeof runScenarios>>;
  try {
    result = await runScenarios(plans, {
      backend,
      dnsconformVersion: packageVersion(),
      log,
      signal: ctx.signal,
    });
  } finally {
    await backend.teardown();
  }
  const paths = writeReports(result, reportDir);
  process.stderr.write(
    `\n${summaryTable(result, { color: process.stderr.isTTY && !process.env.NO_COLOR })}\n`,
  );
  log(`reports: ${paths.map((p) => relative(process.cwd(), p) || p).join(', ')}`);
  if (values.json) process.stdout.write(`${JSON.stringify(result.summary)}\n`);
  return result.summary.diff + result.summary.unstable > 0 ? 1 : 0;
}

type RunFlags = {
  backend: string;
  'coredns-binary'?: string;
  'node-image'?: string;
  keep: boolean;
  kubeconfig?: string;
  context?: string;
  'allow-corefile-change': boolean;
  'allow-foreign-cluster': boolean;
};

async function createBackend(values: RunFlags, reportDir: string, ctx: BackendContext): Promise<Backend> {
  switch (values.backend) {
    case 'local': {
      const { createLocalBackend } = await import('../backends/local/index.ts');
      return createLocalBackend({ corednsBinary: values['coredns-binary'] }, ctx);
    }
    case 'kind': {
      const { createKindBackend } = await import('../backends/kind/backend.ts');
      return createKindBackend({ nodeImage: values['node-image'], keep: values.keep, reportDir }, ctx);
    }
    case 'existing': {
      const { createExistingBackend } = await import('../backends/existing/backend.ts');
      return createExistingBackend(
        {
          kubeconfig: values.kubeconfig,
          context: values.context,
          allowCorefileChange: values['allow-corefile-change'],
          allowForeignCluster: values['allow-foreign-cluster'],
          reportDir,
        },
        ctx,
      );
    }
    default:
      throw new InputError(`--backend must be local, kind or existing, not '${values.backend}'`, {
        file: 'command line',
      });
  }
}

/** Scenario files named, or found (recursively, `*.yaml`) in the directories named; examples excluded. */
function scenarioPaths(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new InputError('no such scenario file or directory', { file: p });
    }
    if (!isDir) files.push(abs);
    else files.push(...scenarioFiles(abs));
  }
  if (files.length === 0) throw new InputError('no scenario files (*.yaml) found', { file: paths.join(' ') });
  return files;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
