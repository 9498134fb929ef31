/**
 * Test doubles at the process boundary of the kind and existing backends (tests only):
 *
 * - FakeApi: a Kubernetes API on 127.0.0.1 (node:http) with discovery, list/get/apply/patch/
 *   delete, and just enough control plane to settle: pods Running (Ready unless marked
 *   `dnsconform.io/ready: "false"`) with an IP, EndpointSlices for selector Services, the CoreDNS
 *   Deployment rolling out on restart unless its Corefile contains `BROKEN` (CoreDNS refusing it).
 * - fakeBin: `kind`, `kubectl`, `docker` scripts first on PATH, recording argv (and kubectl's
 *   stdin); kubectl runs exec scripts with `sh` against fake dig/host/getent/ping that print
 *   real captured outputs (src/probe/parsers/fixtures), so no query leaves the test.
 */
// biome-ignore-all lint/suspicious/noExplicitAny: a test double handling arbitrary API JSON
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { KubeObject } from '../../cluster/types.ts';
import { KUBEADM_COREFILE } from '../../corefile/testkit.ts';

interface Resource {
  name: string;
  kind: string;
  namespaced: boolean;
}

const GROUPS: Record<string, Resource[]> = {
  '/api/v1': [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'pods/log', kind: 'Pod', namespaced: true },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'endpoints', kind: 'Endpoints', namespaced: true },
  ],
  '/apis/apps/v1': [
    { name: 'deployments', kind: 'Deployment', namespaced: true },
    { name: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  ],
  '/apis/discovery.k8s.io/v1': [{ name: 'endpointslices', kind: 'EndpointSlice', namespaced: true }],
};

export interface Call {
  method: string;
  path: string;
  contentType: string;
  body: unknown;
}

type Obj = KubeObject & { spec?: any; status?: any; data?: Record<string, string> };

function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class FakeApi {
  readonly calls: Call[] = [];
  /** key `<plural>/<namespace>/<name>` (namespace '' for cluster-scoped). */
  readonly objects = new Map<string, Obj>();
  private server = http.createServer((req, res) => this.handle(req, res));
  private nextIP = 10;
  url = '';
  /** Rollouts hang (CoreDNS never ready) while true, whatever the Corefile. */
  hangRollout = false;
  /** Called on every restart of CoreDNS (tests interrupt here). */
  onRestart: () => void = () => {};

  constructor() {
    this.put('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    this.put('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } });
    this.put('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      data: { Corefile: ORIGINAL_COREFILE },
    });
    this.put('deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', generation: 1 },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        template: {
          spec: { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.14.2' }] },
        },
      },
      status: {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
        readyReplicas: 2,
      },
    });
    for (const name of ['coredns-7d764666f9-h2x5k', 'coredns-7d764666f9-q9wzl']) {
      this.put('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: 'kube-system',
          labels: { 'k8s-app': 'kube-dns' },
          creationTimestamp: '2026-01-01T00:00:00Z',
        },
        spec: { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.14.2' }] },
        status: {
          phase: 'Running',
          podIP: `10.244.0.${this.nextIP++}`,
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      });
    }
    this.put('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system' },
      spec: { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: { 'k8s-app': 'kube-dns' } },
    });
    this.put('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default' },
      spec: { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'] },
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  /** A kubeconfig for this server (plain HTTP needs insecure-skip-tls-verify in client-node). */
  kubeconfig(context: string): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${context}`,
      'clusters:',
      `- name: ${context}`,
      '  cluster:',
      `    server: ${this.url}`,
      '    insecure-skip-tls-verify: true',
      'contexts:',
      `- name: ${context}`,
      '  context:',
      `    cluster: ${context}`,
      `    user: ${context}`,
      'users:',
      `- name: ${context}`,
      '  user:',
      '    token: fake',
      '',
    ].join('\n');
  }

  get(plural: string, namespace: string, name: string): Obj | undefined {
    return this.objects.get(`${plural}/${namespace}/${name}`);
  }

  corefile(): string {
    return this.get('configmaps', 'kube-system', 'coredns')?.data?.Corefile ?? '';
  }

  namespaces(): string[] {
    return [...this.objects.values()]
      .filter((o) => o.kind === 'Namespace')
      .map((o) => o.metadata.name as string);
  }

  /** Mutating calls, as `METHOD path`, for asserting what the backend changed. */
  writes(): string[] {
    return this.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);
  }

  private put(plural: string, o: Obj): void {
    this.objects.set(`${plural}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
  }

  private settle(plural: string, o: Obj): Obj {
    if (plural === 'pods' && !o.status?.podIP) {
      const notReady = o.metadata.annotations?.['dnsconform.io/ready'] === 'false';
      const ip = `10.244.0.${this.nextIP++}`;
      o.status = {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        conditions: [{ type: 'Ready', status: notReady ? 'False' : 'True' }],
      };
    }
    if (plural === 'deployments' && o.metadata.name === 'coredns') {
      const generation = ((o.metadata.generation as number | undefined) ?? 1) + 1;
      o.metadata.generation = generation;
      this.onRestart();
      const broken = this.hangRollout || this.corefile().includes('BROKEN');
      o.status = broken
        ? { observedGeneration: generation, replicas: 3, updatedReplicas: 1, availableReplicas: 2 }
        : {
            observedGeneration: generation,
            replicas: 2,
            updatedReplicas: 2,
            availableReplicas: 2,
            readyReplicas: 2,
          };
    }
    return o;
  }

  /** EndpointSlice controller, enough for the settle wait: one slice per selector Service. */
  private slices(namespace: string | undefined): Obj[] {
    const out: Obj[] = [];
    for (const svc of this.objects.values()) {
      if (svc.kind !== 'Service' || !svc.spec?.selector || svc.metadata.namespace === 'kube-system') continue;
      if (namespace && svc.metadata.namespace !== namespace) continue;
      const pods = [...this.objects.values()].filter(
        (p) =>
          p.kind === 'Pod' &&
          p.metadata.namespace === svc.metadata.namespace &&
          Object.entries(svc.spec.selector as Record<string, string>).every(
            ([k, v]) => p.metadata.labels?.[k] === v,
          ),
      );
      out.push({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `${svc.metadata.name}-abcde`,
          namespace: svc.metadata.namespace,
          labels: { 'kubernetes.io/service-name': svc.metadata.name as string },
        },
        addressType: 'IPv4',
        endpoints: pods.map((p) => ({
          addresses: [p.status.podIP],
          conditions: { ready: p.status.conditions[0].status === 'True' },
        })),
      });
    }
    return out;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : undefined;
      const method = req.method ?? 'GET';
      this.calls.push({ method, path: url.pathname, contentType: req.headers['content-type'] ?? '', body });
      const send = (status: number, payload: unknown, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      const notFound = () =>
        send(404, {
          kind: 'Status',
          status: 'Failure',
          reason: 'NotFound',
          message: `${url.pathname} not found`,
        });
      if (url.pathname === '/version') return send(200, { gitVersion: 'v1.36.1' });
      const group = GROUPS[url.pathname];
      if (group) return send(200, { kind: 'APIResourceList', resources: group });
      const m =
        /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/(log))?$/.exec(
          url.pathname,
        );
      if (!m) return notFound();
      const [, , ns = '', plural = '', name, sub] = m;
      if (sub === 'log')
        return send(200, '[ERROR] plugin/errors: Corefile:3 - Error during parsing\n', 'text/plain');
      if (!name) {
        if (method !== 'GET') return notFound();
        const selector = url.searchParams.get('labelSelector');
        let items = [...this.objects.entries()]
          .filter(([k]) => k.startsWith(`${plural}/`) && (!ns || k.split('/')[1] === ns))
          .map(([, o]) => o);
        if (plural === 'endpointslices') items = [...items, ...this.slices(ns || undefined)];
        if (selector) {
          const want = selector.split(',').map((kv) => kv.split('='));
          items = items.filter((o) => want.every(([k, v]) => o.metadata.labels?.[k as string] === v));
        }
        return send(200, {
          kind: 'List',
          metadata: {},
          items: items.map((o) => ({ ...o, apiVersion: undefined, kind: undefined })),
        });
      }
      const key = `${plural}/${ns}/${name}`;
      const existing = this.objects.get(key);
      if (method === 'GET') return existing ? send(200, existing) : notFound();
      if (method === 'DELETE') {
        if (!existing) return notFound();
        this.objects.delete(key);
        if (plural === 'namespaces') {
          for (const k of [...this.objects.keys()]) if (k.split('/')[1] === name) this.objects.delete(k);
        }
        return send(200, { kind: 'Status', status: 'Success' });
      }
      if (method === 'PATCH' || method === 'PUT') {
        const type = req.headers['content-type'] ?? '';
        let next: Obj;
        if (type.startsWith('application/apply-patch')) next = mergePatch(existing ?? {}, body);
        else if (!existing) return notFound();
        else if (type.startsWith('application/strategic-merge-patch')) {
          // Enough of strategic merge for containers merged by name.
          const patch = structuredClone(body);
          const containers = patch?.spec?.template?.spec?.containers as { name: string }[] | undefined;
          if (containers) {
            const current = existing.spec.template.spec.containers as { name: string }[];
            patch.spec.template.spec.containers = current.map((c) => ({
              ...c,
              ...containers.find((p) => p.name === c.name),
            }));
          }
          next = mergePatch(existing, patch);
        } else next = method === 'PUT' ? body : mergePatch(existing, body);
        const isRestart =
          plural === 'deployments' &&
          JSON.stringify(body).includes('"template"') &&
          next.metadata.name === 'coredns';
        this.put(plural, isRestart || !existing ? this.settle(plural, next) : next);
        return send(existing ? 200 : 201, this.objects.get(key));
      }
      return notFound();
    });
  }
}

/** kubeadm's Corefile (k8s ≥ 1.32), standing for "the cluster's own". */
export const ORIGINAL_COREFILE = KUBEADM_COREFILE;

const FIXTURES = join(import.meta.dirname, '../../probe/parsers/fixtures');

export interface FakeBin {
  dir: string;
  /** Every call of `tool`, argv after the program name. */
  calls(tool: 'kind' | 'kubectl' | 'docker'): string[][];
  /** stdin of every kubectl call, in order. */
  kubectlInputs(): string[];
  /** Creates or removes a behaviour flag file (`docker-down`, `create-fails`, `no-ping`, …). */
  flag(name: string, on?: boolean): void;
  /** PATH with the fakes first. */
  path: string;
}

function script(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/**
 * Writes the fake executables into `dir`. `apiUrl` is what `kind create cluster` writes into the
 * kubeconfig. Tool outputs: dig answers come from `dig/<name>` files in `dir` when present,
 * else the NXDOMAIN fixture.
 */
export function fakeBin(dir: string, api: FakeApi): FakeBin {
  const bin = join(dir, 'bin');
  const tools = join(dir, 'tools');
  const flags = join(dir, 'flags');
  for (const d of [bin, tools, flags, join(dir, 'dig')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(dir, 'clusters'), '');
  const record = (name: string) =>
    `printf '%s\\037' "$@" >> ${join(dir, `${name}.calls`)}; printf '\\n' >> ${join(dir, `${name}.calls`)}\n`;
  script(
    join(bin, 'docker'),
    `#!/bin/sh
${record('docker')}
case "$1" in
  info) if [ -e ${flags}/docker-down ]; then echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1; fi; echo 27.1.1 ;;
  image) if [ -e ${flags}/image-present ]; then echo sha256:abc; else echo "Error: No such image: $4" >&2; exit 1; fi ;;
esac
`,
  );
  writeFileSync(join(dir, 'kubeconfig.template'), api.kubeconfig('CONTEXT'));
  script(
    join(bin, 'kind'),
    `#!/bin/sh
${record('kind')}
name=""; kubeconfig=""; prev=""
for a in "$@"; do
  case "$prev" in --name) name="$a" ;; --kubeconfig) kubeconfig="$a" ;; esac
  prev="$a"
done
case "$1 $2" in
  "version "*) echo "kind v0.32.0 go1.24.2 linux/amd64" ;;
  "get clusters") cat ${dir}/clusters ;;
  "get kubeconfig") sed "s/CONTEXT/kind-$name/g" ${dir}/kubeconfig.template ;;
  "create cluster")
    if [ -e ${flags}/create-fails ]; then
      echo 'ERROR: failed to create cluster: failed to init node with kubeadm: command "docker exec --privileged dnsconform-x-control-plane kubeadm init" failed with error: exit status 1' >&2
      exit 1
    fi
    if [ -e ${flags}/create-hangs ]; then sleep 30; fi
    echo "$name" >> ${dir}/clusters
    sed "s/CONTEXT/kind-$name/g" ${dir}/kubeconfig.template > "$kubeconfig" ;;
  "delete cluster") grep -vx "$name" ${dir}/clusters > ${dir}/clusters.new; mv ${dir}/clusters.new ${dir}/clusters ;;
  "export logs") mkdir -p "$3"; echo "$3" ;;
  "load docker-image") echo "Image loaded" ;;
esac
`,
  );
  script(
    join(bin, 'kubectl'),
    `#!/bin/sh
${record('kubectl')}
cat > ${dir}/stdin.tmp
cat ${dir}/stdin.tmp >> ${dir}/kubectl.inputs; printf '\\037\\n' >> ${dir}/kubectl.inputs
last=""; for a in "$@"; do last="$a"; done
if [ "$last" = "-s" ]; then
  if [ -e ${flags}/exec-fails ]; then echo 'error: unable to upgrade connection: container not found ("glibc")' >&2; exit 1; fi
  toolpath=${tools}
  [ -e ${flags}/no-ping ] && toolpath=${tools}-noping
  sed "s#/tmp/dnsc-resolve#${tools}/dnsc-resolve#g" ${dir}/stdin.tmp | PATH="$toolpath" FAKE_DIR=${dir} /bin/sh -s
fi
`,
  );
  const fixture = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');
  writeFileSync(join(dir, 'nxdomain.txt'), fixture('dig-nxdomain.txt'));
  script(
    join(tools, 'dig'),
    `#!/bin/sh
q=""; prev=""
for a in "$@"; do [ "$prev" = -q ] && q="$a"; prev="$a"; done
q="\${q%.}"
if [ -e "$FAKE_DIR/dig/$q" ]; then cat "$FAKE_DIR/dig/$q"; else cat "$FAKE_DIR/nxdomain.txt"; exit 0; fi
`,
  );
  script(
    join(tools, 'getent'),
    `#!/bin/sh
[ "$2" = -- ] && name="$3" || name="$2"
if [ -e "$FAKE_DIR/getent/$name" ]; then cat "$FAKE_DIR/getent/$name"; else exit 2; fi
`,
  );
  script(
    join(tools, 'ping'),
    `#!/bin/sh
for a in "$@"; do name="$a"; done
echo "$name" >> "$FAKE_DIR/pinged"
addr=$(awk '{print $1; exit}' "$FAKE_DIR/getent/$name" 2>/dev/null)
if [ -n "$addr" ]; then echo "PING $name ($addr) 56(84) bytes of data."; echo "64 bytes from $addr: icmp_seq=1 ttl=64 time=0.05 ms"; else echo "ping: $name: Name or service not known" >&2; exit 2; fi
`,
  );
  script(
    join(tools, 'host'),
    `#!/bin/sh\nfor a in "$@"; do name="$a"; done\necho "Host $name not found: 3(NXDOMAIN)"; exit 1\n`,
  );
  script(join(tools, 'dnsc-resolve'), `#!/bin/sh\necho "error EAI_NONAME Name does not resolve"\n`);
  // The utilities the scripts use, and nothing else: a real dig, host, getent or ping must never
  // be reached from here (they would send packets).
  for (const u of ['timeout', 'awk', 'sort', 'cat', 'sed', 'grep']) {
    symlinkSync(execFileSync('sh', ['-c', `command -v ${u}`], { encoding: 'utf8' }).trim(), join(tools, u));
  }
  // The same tools without ping (the jessie-dnsutils image has none).
  mkdirSync(`${tools}-noping`, { recursive: true });
  for (const t of readdirSync(tools)) {
    if (t !== 'ping') symlinkSync(join(tools, t), join(`${tools}-noping`, t));
  }
  mkdirSync(join(dir, 'getent'), { recursive: true });

  const read = (file: string) => {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    dir,
    path: `${bin}:${process.env.PATH}`,
    calls: (tool) =>
      read(`${tool}.calls`)
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\x1f').slice(0, -1)),
    kubectlInputs: () => read('kubectl.inputs').split('\x1f\n').slice(0, -1),
    flag: (name, on = true) => {
      if (on) writeFileSync(join(flags, name), '');
      else rmSync(join(flags, name), { force: true });
    },
  };
}

/** Adds a dig answer for `name` to the fakes (a real capture from the fixtures). */
export function digAnswer(bin: FakeBin, name: string, fixtureFile: string): void {
  writeFileSync(join(bin.dir, 'dig', name), readFileSync(join(FIXTURES, fixtureFile), 'utf8'));
}

/** Adds `getent ahosts`/`hosts` output for `name`. */
export function getentAnswer(bin: FakeBin, name: string, text: string): void {
  writeFileSync(join(bin.dir, 'getent', name), text);
}
