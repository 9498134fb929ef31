import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KIND_DEFAULTS } from '../cluster/options.ts';
import { InputError } from '../errors.ts';
import { loadScenario } from './load.ts';
import { planScenario, variantMatrix } from './plan.ts';

const EXAMPLES = new URL('../../scenarios/examples/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'manifests'));
writeFileSync(
  join(dir, 'manifests', 'svc.yaml'),
  'apiVersion: v1\nkind: Service\nmetadata: { name: bar }\nspec: { selector: { app: bar }, ports: [ { port: 80 } ] }\n',
);

/** Writes a scenario and returns the one-line error (file:line:col: message) loading it gives. */
function errorOf(yaml: string): string {
  const file = join(dir, 'case.yaml');
  writeFileSync(file, yaml);
  try {
    loadScenario(file);
  } catch (e) {
    if (e instanceof InputError) return e.format().replace(`${dir}/`, '');
    throw e;
  }
  throw new Error('expected an InputError');
}
const load = (yaml: string) => {
  const file = join(dir, 'ok.yaml');
  writeFileSync(file, yaml);
  return loadScenario(file);
};

describe('loadScenario: the examples (docs/scenario-format.md)', () => {
  it('reads headless-hostname: name from the file stem, kind defaults, short and long queries, steps', () => {
    const s = loadScenario(join(EXAMPLES, 'headless-hostname.yaml'));
    expect(s.name).toBe('headless-hostname');
    expect(s.cluster).toEqual(KIND_DEFAULTS);
    expect(s.corefiles.map((c) => c.name)).toEqual(['kind-default']);
    expect(s.manifests.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/db',
      'Pod/db-0',
      'Pod/debug',
    ]);
    expect(s.queries.map((q) => [q.name, q.type, q.tool ?? '', q.from ?? ''])).toEqual([
      ['db.default.svc.cluster.local.', 'A', '', ''],
      ['db-0.db.default.svc.cluster.local.', 'A', '', ''],
      ['_pg._tcp.db.default.svc.cluster.local.', 'SRV', '', ''],
      ['db-0.db', 'A', 'getent', 'default/debug'], // a tool's name stays relative: the search list applies
    ]);
    expect(s.sweep).toBe(100);
    const plan = planScenario(s);
    // The step replaces the Service and keeps the pods: the whole set, not a delta.
    expect(plan.steps.map((st) => st.manifests.map((o) => `${o.kind}/${o.metadata.name}`))).toEqual([
      ['Service/db', 'Pod/db-0', 'Pod/debug'],
      ['Pod/db-0', 'Pod/debug', 'Service/db'],
    ]);
    expect((plan.steps[1]!.manifests[2]!.spec as { clusterIP?: string }).clusterIP).toBeUndefined();
  });

  it('reads stub-domain: Corefile variants × pinned versions', () => {
    const s = loadScenario(join(EXAMPLES, 'stub-domain.yaml'));
    expect(variantMatrix(s, ['1.11.3']).map((v) => `${v.corefile.name}@${v.corednsVersion}`)).toEqual([
      'kind-default@1.12.4',
      'kind-default@1.14.7',
      'with-stub@1.12.4',
      'with-stub@1.14.7',
    ]);
    expect(s.upstream).toEqual([
      { name: 'example.com.', type: 'A', ttl: 300, data: '192.0.2.10' },
      { name: 'www.example.com.', type: 'CNAME', ttl: 300, data: 'example.com.' },
    ]);
    expect(s.compare).toEqual({ ttl: false });
  });

  it('takes the command line versions when the scenario pins none', () => {
    const s = load('description: x\n');
    expect(variantMatrix(s, ['1.11.3', '1.14.7']).map((v) => v.corednsVersion)).toEqual(['1.11.3', '1.14.7']);
  });

  it('derives cluster options: IPv6 ranges and the kube-dns IP (kubeadm GetDNSIP: 10th address)', () => {
    const s = load(
      'description: x\ncluster: { ipFamily: ipv6, clusterDomain: example.internal, nodeSearch: [corp.example] }\n',
    );
    expect(s.cluster).toMatchObject({
      clusterDomain: 'example.internal',
      serviceSubnets: ['fd00:10:96::/112'],
      clusterDNS: ['fd00:10:96::a'],
      nodeResolvConf: { search: ['corp.example'] },
    });
    expect(load('description: x\ncluster: { serviceSubnet: 10.100.0.0/16 }\n').cluster.clusterDNS).toEqual([
      '10.100.0.10',
    ]);
  });

  it('matches deviations by the fields given, names without case or trailing dot', () => {
    const s = load(
      'description: x\ndeviations:\n  - match: { name: Foo.example.com, type: A }\n    reason: "because (source)"\n',
    );
    const [d] = planScenario(s).deviations;
    expect(d!.matches({ name: 'foo.example.com.', type: 'A' })).toBe(true);
    expect(d!.matches({ name: 'foo.example.com.', type: 'AAAA' })).toBe(false);
  });
});

describe('loadScenario: errors at file:line:col', () => {
  it('names an unknown key and lists the allowed ones', () => {
    expect(errorOf('description: x\nqueris: []\n')).toBe(
      "case.yaml:2:1: unknown key 'queris' in the scenario; allowed: name, description, source, cluster, corefiles, files, corednsVersions, manifests, upstream, queries, steps, sweep, deviations, compare",
    );
    expect(errorOf('description: x\ncluster:\n  domain: x\n')).toMatch(
      /^case\.yaml:3:3: unknown key 'domain' in cluster; allowed: clusterDomain, /,
    );
  });
  it('refuses a wrong type and a missing description', () => {
    expect(errorOf('description: x\nqueries: web A\n')).toBe('case.yaml:2:10: queries must be a list');
    expect(errorOf('name: x\n')).toMatch(/^case\.yaml:1:1: missing 'description'/);
    expect(errorOf('description: x\nsweep: lots\n')).toMatch(
      /^case\.yaml:2:8: sweep \(true, false or \{ limit: N \}\) must be a mapping/,
    );
  });
  it('names a missing manifest or Corefile as written, at its line', () => {
    expect(errorOf('description: x\nmanifests:\n  - manifests/nope.yaml\n')).toMatch(
      /^case\.yaml:3:5: manifest file not found: manifests\/nope\.yaml \(looked for .*manifests\/nope\.yaml\)/,
    );
    expect(errorOf('description: x\ncorefiles:\n  - { name: a, file: corefiles/A.Corefile }\n')).toMatch(
      /^case\.yaml:3:22: Corefile file not found: corefiles\/A\.Corefile/,
    );
  });
  it('refuses a bad short-form query, an unknown tool, a bad from, a tool without from', () => {
    expect(errorOf('description: x\nqueries:\n  - web default A\n')).toMatch(
      /^case\.yaml:3:5: query 'web default A': the short form is 'NAME TYPE'/,
    );
    expect(errorOf('description: x\nqueries:\n  - web A-1\n')).toMatch(
      /^case\.yaml:3:5: 'A-1' is not a record type/,
    );
    expect(errorOf('description: x\nqueries:\n  - { name: web, tool: curl, from: default/debug }\n')).toMatch(
      /^case\.yaml:3:24: unknown tool 'curl'; tools: dig, dig-search, getent, ping, host, musl/,
    );
    expect(errorOf('description: x\nqueries:\n  - { name: web, tool: ping, from: debug }\n')).toMatch(
      /^case\.yaml:3:36: from 'debug' must be NAMESPACE\/POD/,
    );
    expect(errorOf('description: x\nqueries:\n  - { name: web, tool: ping }\n')).toMatch(
      /^case\.yaml:3:5: tool 'ping' runs inside a pod/,
    );
  });
  it('refuses names that cannot go into a DNS packet (RFC 1035 §2.3.4)', () => {
    expect(errorOf(`description: x\nqueries:\n  - ${'a'.repeat(64)}.default.svc.cluster.local A\n`)).toMatch(
      /^case\.yaml:3:5: 'a{64}\.default\.svc\.cluster\.local' has a label of 64 characters; DNS allows 63/,
    );
    expect(errorOf('description: x\nqueries:\n  - { name: a..b, type: A }\n')).toMatch(
      /^case\.yaml:3:13: 'a\.\.b' has an empty label/,
    );
  });
  it('refuses an unknown comparison rule and names the known ones', () => {
    expect(errorOf('description: x\ncompare: { tll: false }\n')).toMatch(
      /^case\.yaml:2:12: unknown comparison rule 'tll' \(known: rcode, /,
    );
  });
  it('refuses a deviation without a reason', () => {
    expect(errorOf('description: x\ndeviations:\n  - match: { name: web }\n')).toMatch(
      /^case\.yaml:3:5: a deviation needs a 'reason'/,
    );
  });
  it('refuses duplicate names', () => {
    expect(
      errorOf(
        'description: x\ncorefiles:\n  - { name: a, inline: ". {\\n}" }\n  - { name: a, inline: ". {\\n}" }\n',
      ),
    ).toMatch(/^case\.yaml:4:13: Corefile variant 'a' is named twice \(first at line 3\)/);
    expect(errorOf('description: x\nsteps:\n  - name: s\n  - name: s\n')).toMatch(
      /^case\.yaml:4:11: step 's' is named twice/,
    );
    expect(errorOf('description: x\nqueries: []\nqueries: []\n')).toMatch(
      /^case\.yaml:3:1: malformed YAML: Map keys must be unique/,
    );
  });
  it('places errors of inline Corefiles and inline objects in the scenario file', () => {
    expect(
      errorOf('description: x\ncorefiles:\n  - name: a\n    inline: |\n      . {\n          whoami }\n'),
    ).toBe("case.yaml:6:18: inline Corefile: Unexpected '}' because no matching opening brace");
    expect(
      errorOf(
        'description: x\nmanifests:\n  - apiVersion: v1\n    kind: Service\n    metadata: { name: Bad_Name }\n',
      ),
    ).toMatch(/^case\.yaml:5:23: Service Bad_Name: a Service name must be a lowercase RFC 1035 label/);
  });
  it('refuses a step that deletes an object the state does not hold', () => {
    expect(
      errorOf(
        'description: x\nmanifests: [ manifests/svc.yaml ]\nsteps:\n  - name: s\n    delete: [ { kind: Service, name: baz } ]\n',
      ),
    ).toMatch(/^case\.yaml:5:15: delete: no Service default\/baz in the state before this step/);
  });
  it('checks the cluster subnets against ipFamily', () => {
    expect(errorOf('description: x\ncluster: { ipFamily: dual, serviceSubnet: 10.96.0.0/16 }\n')).toMatch(
      /^case\.yaml:2:43: cluster\.serviceSubnet must be an IPv4 and an IPv6 CIDR, IPv4 first for ipFamily dual/,
    );
  });
});
