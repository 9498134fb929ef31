/**
 * A synthetic but realistic cluster for benchmarks: `services` Services over several namespaces
 * and exactly `pods` pods behind them once materialised. Per ten Services: five ClusterIP
 * Services over Deployments (named targetPort), one over bare Pods, one headless over a
 * StatefulSet (per-pod hostnames), one headless over a Deployment (no hostnames, publishing
 * not-ready addresses), one ExternalName, one ClusterIP with UDP+TCP ports.
 */
import type { KubeObject } from './types.ts';

type Shape = 'deployment' | 'pods' | 'statefulset' | 'headless' | 'external' | 'dual-port';
const SHAPES: Shape[] = [
  'deployment',
  'deployment',
  'deployment',
  'deployment',
  'deployment',
  'pods',
  'statefulset',
  'headless',
  'external',
  'dual-port',
];

function container(ports: { name: string; containerPort: number; protocol?: string }[]) {
  return [{ name: 'app', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', ports }];
}

function template(app: string, ports: { name: string; containerPort: number; protocol?: string }[]) {
  return { metadata: { labels: { app } }, spec: { containers: container(ports) } };
}

export function syntheticManifests(services: number, pods: number): KubeObject[] {
  const nsCount = services < 2 ? 1 : Math.min(10, Math.max(2, Math.ceil(services / 100)));
  const out: KubeObject[] = [];
  for (let n = 0; n < nsCount; n++) {
    out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${n}` } });
  }
  const shapes = Array.from({ length: services }, (_, i) => SHAPES[i % SHAPES.length]!);
  const backed = shapes.filter((s) => s !== 'external').length;
  let left = pods;
  let backedSeen = 0;
  shapes.forEach((shape, i) => {
    const namespace = `team-${i % nsCount}`;
    const name = `svc-${i}`;
    const meta = { name, namespace, labels: { tier: shape } };
    const selector = { app: name };
    if (shape === 'external') {
      out.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta,
        spec: { type: 'ExternalName', externalName: `${name}.example.com` },
      });
      return;
    }
    const share = Math.floor(pods / backed) + (backedSeen < pods % backed ? 1 : 0);
    backedSeen++;
    left -= share;
    const http = [{ name: 'http', containerPort: 8080 }];
    switch (shape) {
      case 'deployment':
      case 'headless':
        out.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta,
          spec:
            shape === 'headless'
              ? {
                  clusterIP: 'None',
                  publishNotReadyAddresses: true,
                  selector,
                  ports: [{ name: 'http', port: 8080 }],
                }
              : { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
        });
        out.push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, namespace },
          spec: { replicas: share, selector: { matchLabels: selector }, template: template(name, http) },
        });
        break;
      case 'pods':
        out.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta,
          spec: { selector, ports: [{ port: 80, targetPort: 8080 }] },
        });
        for (let j = 0; j < share; j++) {
          out.push({
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: `${name}-pod-${j}`, namespace, labels: selector },
            spec: { containers: container(http) },
          });
        }
        break;
      case 'statefulset':
        out.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta,
          spec: { clusterIP: 'None', selector, ports: [{ name: 'peer', port: 7000 }] },
        });
        out.push({
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name, namespace },
          spec: {
            serviceName: name,
            replicas: share,
            selector: { matchLabels: selector },
            template: template(name, [{ name: 'peer', containerPort: 7000 }]),
          },
        });
        break;
      case 'dual-port':
        out.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta,
          spec: {
            selector,
            ports: [
              { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
              { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 'dns-tcp' },
            ],
          },
        });
        out.push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, namespace },
          spec: {
            replicas: share,
            selector: { matchLabels: selector },
            template: template(name, [
              { name: 'dns', containerPort: 5353, protocol: 'UDP' },
              { name: 'dns-tcp', containerPort: 5353, protocol: 'TCP' },
            ]),
          },
        });
        break;
    }
  });
  // Pods no Service selects (only when every Service is ExternalName, or there are none).
  for (let j = 0; j < left; j++) {
    out.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `loose-${j}`, namespace: 'team-0', labels: { app: 'loose' } },
      spec: { containers: container([]) },
    });
  }
  return out;
}
