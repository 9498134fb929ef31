import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { loadObjects, loadObjectsFile } from './load.ts';

/** The formatted one-line error (file:line:col: message) of loading `text`. */
function errorOf(text: string): string {
  try {
    loadObjects(text, 'objects.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).format();
  }
  throw new Error('expected an InputError');
}

const svc = (extra = '') => `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80${extra}
`;

describe('loadObjects: accepted forms', () => {
  it('reads multi-document YAML, skipping empty documents, with each object’s line', () => {
    const text = `---\n${svc()}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n`;
    const { objects, sourceOf } = loadObjects(text, 'm.yaml');
    expect(objects.map((o) => o.kind)).toEqual(['Service', 'Namespace']);
    expect(sourceOf(objects[0]!)).toEqual({ file: 'm.yaml', line: 2 });
    expect(sourceOf(objects[1]!)).toEqual({ file: 'm.yaml', line: 11 });
  });

  it('reads `kubectl get … -o yaml` output: kind List with items', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: shop}
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: {name: web-abcde, namespace: shop, labels: {kubernetes.io/service-name: web}}
  addressType: IPv4
  endpoints: null
  ports: null
metadata: {resourceVersion: ""}
`;
    const { objects, sourceOf } = loadObjects(text, 'dump.yaml');
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'EndpointSlice']);
    expect(sourceOf(objects[1]!)?.line).toBe(7);
  });

  it('reads JSON, including typed lists such as ServiceList', () => {
    const text = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'ServiceList',
        items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } }],
      },
      null,
      2,
    );
    expect(loadObjects(text, 'x.json').objects[0]?.metadata.name).toBe('a');
  });

  it('JSON objects know their line too (worked out when asked)', () => {
    const text = [
      '{"apiVersion": "v1", "kind": "List", "items": [',
      '  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},',
      '  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}',
      ']}',
    ].join('\n');
    const { objects, sourceOf } = loadObjects(text, 'dump.json');
    expect(objects.map((o) => sourceOf(o))).toEqual([
      { file: 'dump.json', line: 2 },
      { file: 'dump.json', line: 3 },
    ]);
  });

  it('reads a file, and names the file when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnsconform-load-'));
    try {
      writeFileSync(join(dir, 'a.yaml'), svc());
      expect(loadObjectsFile(join(dir, 'a.yaml')).objects).toHaveLength(1);
      expect(() => loadObjectsFile(join(dir, 'missing.yaml'))).toThrow(/cannot read objects file: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadObjects: errors name file:line:col', () => {
  it('malformed YAML', () => {
    expect(errorOf('a: b: c\n')).toMatch(/^objects\.yaml:1:4: malformed YAML: /);
  });

  it('a document that is not an object', () => {
    expect(errorOf('---\n- a\n- b\n')).toBe(
      'objects.yaml:2:1: expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got a list',
    );
  });

  it('missing apiVersion, kind, metadata, name', () => {
    expect(errorOf('kind: Service\nmetadata: {name: a}\n')).toBe('objects.yaml:1:1: missing apiVersion');
    expect(errorOf('apiVersion: v1\nmetadata: {name: a}\n')).toBe('objects.yaml:1:1: missing kind');
    expect(errorOf('apiVersion: v1\nkind: Service\n')).toBe('objects.yaml:1:1: Service is missing metadata');
    expect(errorOf('apiVersion: v1\nkind: Service\nmetadata:\n  labels: {a: b}\n')).toBe(
      'objects.yaml:4:3: Service needs metadata.name (or generateName)',
    );
  });

  it('an unsupported kind lists the supported ones', () => {
    expect(errorOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n')).toBe(
      'objects.yaml:2:7: unsupported kind "ConfigMap"; supported: Namespace, Service, EndpointSlice, Endpoints, Pod, StatefulSet, Deployment, ReplicaSet, Job',
    );
  });

  it('an apiVersion the model does not read', () => {
    expect(
      errorOf('apiVersion: discovery.k8s.io/v1beta1\nkind: EndpointSlice\nmetadata: {name: a}\n'),
    ).toMatch(/^objects\.yaml:1:13: EndpointSlice must have apiVersion discovery\.k8s\.io\/v1/);
  });

  // core/v1 ServicePort.port is an int32: the API server rejects a string.
  it('wrong field types, pointing at the field', () => {
    expect(errorOf(svc('\n    protocol: TCP').replace('port: 80', 'port: "x"'))).toBe(
      'objects.yaml:8:11: Service web: spec.ports[0].port: expected an integer, got string "x"',
    );
    expect(errorOf(svc().replace('{app: web}', '{app: 1}'))).toBe(
      'objects.yaml:6:19: Service web: spec.selector.app: expected a string, got number 1',
    );
    expect(errorOf(svc('\n    protocol: tcp'))).toMatch(
      /^objects\.yaml:9:15: .*protocol: expected one of TCP, UDP, SCTP/,
    );
  });

  it('errors inside List items point into the item', () => {
    const text =
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  status: {podIP: 10.0.0.300}\n';
    expect(errorOf(text)).toBe(
      'objects.yaml:7:19: Pod p: status.podIP: "10.0.0.300" is not a valid IP address',
    );
  });

  it('invalid IPs in Services and EndpointSlices', () => {
    expect(errorOf(svc().replace('spec:', 'spec:\n  clusterIP: 10.96.0.1.2'))).toBe(
      'objects.yaml:6:14: Service web: spec.clusterIP: "10.96.0.1.2" is not a valid IP address',
    );
    const slice =
      'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\naddressType: IPv4\nendpoints:\n- addresses: ["fd00::1"]\n';
    expect(errorOf(slice)).toBe('objects.yaml:6:15: EndpointSlice s: "fd00::1" is not a valid IPv4 address');
  });

  // apimachinery validation: Service names are RFC 1035 labels, pod hostnames RFC 1123 labels.
  it('names the API server would reject', () => {
    expect(errorOf(svc().replace('name: web', 'name: 1web'))).toMatch(
      /^objects\.yaml:4:9: Service 1web: a Service name must be/,
    );
    expect(errorOf('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostname: My_Host}\n')).toMatch(
      /^objects\.yaml:4:18: Pod p: spec\.hostname must be a lowercase RFC 1123 label/,
    );
  });

  it('the same object twice', () => {
    expect(errorOf(`${svc()}---\n${svc()}`)).toBe(
      'objects.yaml:13:9: Service web is defined twice (first at objects.yaml:1)',
    );
  });

  it('JSON errors carry positions too', () => {
    expect(
      errorOf(
        '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"hostNetwork": "yes"}}',
      ),
    ).toBe('objects.yaml:1:88: Pod p: spec.hostNetwork: expected true or false, got string "yes"');
  });
});
