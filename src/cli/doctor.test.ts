/**
 * `dnsconform doctor` on a PATH of fakes: what it reports per backend and its exit status (0 only
 * when the local backend is fully usable). Fakes print what the real tools print for their
 * version flags (BIND 9.18 `dig -v`, glibc `getent --version`, iputils `ping -V`, …).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';

vi.mock('../run/cleanup.ts', () => ({ onCleanup: () => {} }));
vi.mock('../backends/local/network.ts', () => ({
  netnsCapability: async () => ({
    ok: false,
    reason: 'network namespaces need root (run as root to enable pod-side probes)',
  }),
}));

const { collectDoctor, doctor } = await import('./doctor.ts');

let dir: string;
const saved = {
  PATH: process.env.PATH,
  DNSCONFORM_CACHE: process.env.DNSCONFORM_CACHE,
  KUBECONFIG: process.env.KUBECONFIG,
};

function fake(name: string, output: string, exitCode = 0, stderr = false): void {
  const file = join(dir, 'bin', name);
  writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' '${output}' ${stderr ? '>&2' : ''}\nexit ${exitCode}\n`);
  chmodSync(file, 0o755);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dnsconform-doctor-'));
  mkdirSync(join(dir, 'bin'));
  process.env.PATH = join(dir, 'bin');
  process.env.DNSCONFORM_CACHE = join(dir, 'cache');
  process.env.KUBECONFIG = join(dir, 'kubeconfig');
  writeFileSync(
    process.env.KUBECONFIG,
    'apiVersion: v1\nkind: Config\ncurrent-context: prod\nclusters:\n- name: prod\n  cluster:\n    server: https://10.0.0.1:6443\ncontexts:\n- name: prod\n  context:\n    cluster: prod\n    user: u\nusers:\n- name: u\n  user:\n    token: t\n',
  );
});

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('reports what is missing per backend with what to install', async () => {
  fake('go', 'go version go1.26.8 linux/amd64');
  fake('dig', 'DiG 9.18.49-1~deb12u3-Debian', 0, true);
  fake(
    'docker',
    'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    1,
    true,
  );
  const reports = await collectDoctor(new AbortController().signal);
  const local = reports.find((r) => r.backend === 'local');
  const check = (backend: string, name: string) =>
    reports.find((r) => r.backend === backend)?.checks.find((c) => c.name.startsWith(name));
  expect(local?.usable).toBe(false);
  expect(check('local', 'dig')).toMatchObject({ ok: true, found: 'DiG 9.18.49-1~deb12u3-Debian' });
  expect(check('local', 'ping')).toMatchObject({ ok: false, install: 'apt-get install iputils-ping' });
  expect(check('local', 'dnsperf')).toMatchObject({ ok: false, optional: true });
  // CoreDNS is built on demand with Go.
  expect(check('local', 'CoreDNS binaries')).toMatchObject({ ok: true, found: 'none cached' });
  expect(check('kind', 'docker engine')).toMatchObject({
    ok: false,
    found:
      'not reachable: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
  });
  expect(check('kind', 'kind')).toMatchObject({
    ok: true,
    found: expect.stringContaining('go install sigs.k8s.io/kind@v0.32.0'),
  });
  expect(check('existing', 'kubeconfig context')).toMatchObject({
    ok: true,
    found: 'prod (https://10.0.0.1:6443): foreign, needs --allow-foreign-cluster',
  });
});

test('exit status: 1 unless the local backend is fully usable; --json is machine-readable', async () => {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  try {
    expect(await doctor(['--json'], { signal: new AbortController().signal })).toBe(1);
  } finally {
    spy.mockRestore();
  }
  const parsed = JSON.parse(out.join('')) as { backends: { backend: string; usable: boolean }[] };
  expect(parsed.backends.map((b) => b.backend)).toEqual(['local', 'kind', 'existing']);
  expect(parsed.backends.every((b) => b.usable === false || b.backend === 'existing')).toBe(true);
});
