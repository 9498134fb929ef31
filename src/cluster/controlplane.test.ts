import { describe, expect, it } from 'vitest';
import { materialise } from './controlplane.ts';
import { loadObjects } from './load.ts';
import { KIND_DEFAULTS } from './options.ts';
import { syntheticManifests } from './synthetic.ts';
import { Cluster } from './testkit.ts';

const manifests = `
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{name: pg, port: 5432}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: pg, image: postgres}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: n, image: nginx, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}
`;

describe('materialise', () => {
  it('is deterministic: the same manifests give the same objects', () => {
    const a = materialise(loadObjects(manifests, 'm.yaml').objects, KIND_DEFAULTS);
    const b = materialise(loadObjects(manifests, 'm.yaml').objects, KIND_DEFAULTS);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('is idempotent: its own output passes through unchanged', () => {
    const once = materialise(loadObjects(manifests, 'm.yaml').objects, KIND_DEFAULTS);
    const twice = materialise(once, KIND_DEFAULTS);
    expect(twice).toEqual(once);
    const big = materialise(syntheticManifests(50, 400), KIND_DEFAULTS);
    expect(materialise(big, KIND_DEFAULTS)).toEqual(big);
  });

  it('leaves its input untouched', () => {
    const input = loadObjects(manifests, 'm.yaml').objects;
    const before = JSON.stringify(input);
    materialise(input, KIND_DEFAULTS);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('passes a live dump through: given IPs, pods and controller slices are not redone', () => {
    const live = `
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: default, uid: u1, resourceVersion: "7"}
  spec: {clusterIP: 10.100.3.4, clusterIPs: [10.100.3.4], ipFamilies: [IPv4], ipFamilyPolicy: SingleStack, selector: {app: web}, ports: [{port: 80, protocol: TCP, targetPort: 80}], type: ClusterIP}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-1, namespace: default, labels: {app: web}, uid: u2}
  spec: {nodeName: worker-7, containers: [{name: c}]}
  status: {phase: Running, podIP: 10.1.2.3, podIPs: [{ip: 10.1.2.3}], conditions: [{type: Ready, status: "True"}]}
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: {name: web-x7k2p, namespace: default, labels: {kubernetes.io/service-name: web, endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}}
  addressType: IPv4
  endpoints: [{addresses: [10.1.2.3], conditions: {ready: true}}]
  ports: [{name: "", port: 80, protocol: TCP}]
`;
    const c = Cluster.of(live);
    // Outside the configured service range, but read back from an API server (resourceVersion set).
    expect(c.service('web').spec?.clusterIP).toBe('10.100.3.4');
    expect(c.pod('web-1').status?.podIP).toBe('10.1.2.3');
    expect(c.slices('web').map((s) => s.metadata.name)).toEqual(['web-x7k2p']);
  });

  it('creates the pods, addresses and slices DNS needs from workloads', () => {
    const c = Cluster.of(manifests);
    expect(c.endpoints('db').map((e) => [e.hostname, e.address])).toEqual([
      ['db-0', '10.244.0.2'],
      ['db-1', '10.244.0.3'],
    ]);
    const web = c.slices('web', 'shop');
    expect(web).toHaveLength(1);
    expect(web[0]?.endpoints).toHaveLength(3);
    expect(web[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });
});
