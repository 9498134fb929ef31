/**
 * The generated kind config against kind v0.32.0's API (pkg/apis/config/v1alpha4/types.go field
 * names; default.go dual-stack subnets joined with a comma; validate.go cluster names
 * `^[a-z0-9.-]+$`) and kubeadm GetDNSIP (10th address of the first service subnet).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { KIND_DEFAULTS } from '../../cluster/options.ts';
import { EnvironmentError, InputError } from '../../errors.ts';
import { ensureKind, KIND_MODULE, parseKindVersion } from './cli.ts';
import {
  CLUSTER_NAME,
  clusterName,
  DEFAULT_NODE_IMAGE,
  kindConfig,
  kindConfigYAML,
  kubeadmDNSIP,
} from './config.ts';

describe('kind config', () => {
  test('kind defaults: networking, dnsSearch [], cluster domain via a kubeadm patch, the node image', () => {
    const config = parse(kindConfigYAML(KIND_DEFAULTS, DEFAULT_NODE_IMAGE));
    expect(config).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      networking: {
        ipFamily: 'ipv4',
        podSubnet: '10.244.0.0/16',
        serviceSubnet: '10.96.0.0/16',
        dnsSearch: [],
      },
      kubeadmConfigPatches: ['kind: ClusterConfiguration\nnetworking:\n  dnsDomain: cluster.local\n'],
      nodes: [{ role: 'control-plane', image: DEFAULT_NODE_IMAGE }],
    });
    expect(parse(config.kubeadmConfigPatches[0])).toEqual({
      kind: 'ClusterConfiguration',
      networking: { dnsDomain: 'cluster.local' },
    });
  });

  test('dual stack and a custom domain', () => {
    const config = kindConfig(
      {
        ...KIND_DEFAULTS,
        ipFamily: 'dual',
        clusterDomain: 'custom.local',
        serviceSubnets: ['10.96.0.0/16', 'fd00:10:96::/112'],
        podSubnets: ['10.244.0.0/16', 'fd00:10:244::/56'],
      },
      DEFAULT_NODE_IMAGE,
    );
    expect(config.networking).toMatchObject({
      ipFamily: 'dual',
      podSubnet: '10.244.0.0/16,fd00:10:244::/56',
      serviceSubnet: '10.96.0.0/16,fd00:10:96::/112',
    });
    expect(config.kubeadmConfigPatches).toEqual([
      'kind: ClusterConfiguration\nnetworking:\n  dnsDomain: custom.local\n',
    ]);
  });

  test('clusterDNS must be what kubeadm derives', () => {
    expect(kubeadmDNSIP('10.96.0.0/16')).toBe('10.96.0.10');
    expect(kubeadmDNSIP('fd00:10:96::/112')).toBe('fd00:10:96::a');
    expect(() => kindConfig({ ...KIND_DEFAULTS, clusterDNS: ['10.96.0.53'] }, DEFAULT_NODE_IMAGE)).toThrow(
      InputError,
    );
  });

  test('names: deterministic, different per config, valid for kind', () => {
    const a = clusterName(kindConfigYAML(KIND_DEFAULTS, DEFAULT_NODE_IMAGE));
    expect(a).toBe(clusterName(kindConfigYAML({ ...KIND_DEFAULTS }, DEFAULT_NODE_IMAGE)));
    expect(a).not.toBe(clusterName(kindConfigYAML(KIND_DEFAULTS, 'kindest/node:v1.33.1')));
    expect(a).not.toBe(
      clusterName(kindConfigYAML({ ...KIND_DEFAULTS, clusterDomain: 'x.local' }, DEFAULT_NODE_IMAGE)),
    );
    expect(a).toMatch(/^[a-z0-9.-]+$/);
    expect(a).toMatch(CLUSTER_NAME);
  });
});

describe('kind CLI', () => {
  let dir: string;
  const saved = { PATH: process.env.PATH, DNSCONFORM_CACHE: process.env.DNSCONFORM_CACHE };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dnsconform-kindcli-'));
    process.env.DNSCONFORM_CACHE = join(dir, 'cache');
  });
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.DNSCONFORM_CACHE === undefined) delete process.env.DNSCONFORM_CACHE;
    else process.env.DNSCONFORM_CACHE = saved.DNSCONFORM_CACHE;
    rmSync(dir, { recursive: true, force: true });
  });

  test('`kind version` output (pkg/cmd/kind/version DisplayVersion)', () => {
    expect(parseKindVersion('kind v0.32.0 go1.24.2 linux/amd64\n')).toBe('v0.32.0');
    expect(parseKindVersion('kind v0.33.0-alpha.12+fed26882abcdef go1.25 linux/arm64')).toBe(
      'v0.33.0-alpha.12+fed26882abcdef',
    );
  });

  test('no kind and no Go: one line saying what to install', async () => {
    process.env.PATH = join(dir, 'empty');
    const err = await ensureKind(new AbortController().signal, () => {}).catch((e: Error) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(
      /^kind not found: install kind v0\.32\.0 \(go install sigs\.k8s\.io\/kind@v0\.32\.0/,
    );
  });

  test('no kind but Go: go install into the cache, GOBIN set', async () => {
    const bin = join(dir, 'bin');
    const { mkdirSync, chmodSync } = await import('node:fs');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'go'),
      `#!/bin/sh\necho "$@ GOBIN=$GOBIN" >> ${dir}/go.calls\n[ "$1" = install ] && printf '#!/bin/sh\\n' > "$GOBIN/kind" && chmod 755 "$GOBIN/kind"\nexit 0\n`,
    );
    chmodSync(join(bin, 'go'), 0o755);
    process.env.PATH = bin;
    const logs: string[] = [];
    const kind = await ensureKind(new AbortController().signal, (m) => void logs.push(m));
    expect(kind).toBe(join(dir, 'cache', 'bin', 'kind'));
    expect(readFileSync(join(dir, 'go.calls'), 'utf8')).toContain(
      `install ${KIND_MODULE} GOBIN=${join(dir, 'cache', 'bin')}`,
    );
    // Next time the cached binary is used without Go.
    process.env.PATH = join(dir, 'empty');
    expect(await ensureKind(new AbortController().signal, () => {})).toBe(join(dir, 'cache', 'bin', 'kind'));
  });
});
