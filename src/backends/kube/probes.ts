/**
 * Scenario pods as probe pods. In a real cluster every scenario pod has to run and answer
 * `kubectl exec`, whatever image its manifest names. What DNS depends on is the pod's identity,
 * not its program, so each pod (and each workload's pod template) keeps the spec fields that
 * shape DNS and gets two probe containers instead of its own:
 *
 *   glibc  a Debian dnsutils image: dig, host, getent (glibc), ping where the image has it
 *   musl   Alpine: the musl resolver client (src/probe/musl) is copied in when first used
 *
 * Both containers share the pod's network namespace and the resolv.conf and /etc/hosts kubelet
 * writes for the pod. Ports move to the glibc container (named targetPorts and EndpointSlice ports
 * stay as declared). A pod marked `dnsconform.io/ready: "false"` (the model's marker,
 * src/cluster/pods.ts) gets a readiness probe that always fails, so it runs but is not Ready.
 */
import type { KubeObject } from '../../cluster/types.ts';

export interface ProbeImages {
  glibc: string;
  musl: string;
}

/** kubernetes test/utils/image/manifest.go: JessieDnsutils 1.7 (the image the DNS e2e tests use). */
export const DEFAULT_PROBE_IMAGES: ProbeImages = {
  glibc: 'registry.k8s.io/e2e-test-images/jessie-dnsutils:1.7',
  musl: 'docker.io/library/alpine:3.20',
};

export const GLIBC_CONTAINER = 'glibc';
export const MUSL_CONTAINER = 'musl';
const READY_ANNOTATION = 'dnsconform.io/ready';

/** Pod spec fields that change what DNS answers or what the pod's resolver does. */
const KEPT_SPEC_FIELDS = [
  'hostname',
  'subdomain',
  'setHostnameAsFQDN',
  'dnsPolicy',
  'dnsConfig',
  'hostAliases',
  'hostNetwork',
  'terminationGracePeriodSeconds',
  'restartPolicy',
] as const;

/** Sleeps until SIGTERM, then exits at once (pods go away in seconds, not after the grace period). */
const SLEEP = ['sh', '-c', "trap 'exit 0' TERM; sleep 31536000 & wait"];

type Spec = Record<string, unknown>;
interface Container {
  name?: string;
  ports?: unknown[];
  restartPolicy?: string;
}

function probeSpec(spec: Spec | undefined, notReady: boolean, images: ProbeImages): Spec {
  const original = spec ?? {};
  const kept: Spec = {};
  for (const field of KEPT_SPEC_FIELDS) if (original[field] !== undefined) kept[field] = original[field];
  const sidecars = ((original.initContainers as Container[] | undefined) ?? []).filter(
    (c) => c.restartPolicy === 'Always',
  );
  const ports = [...((original.containers as Container[] | undefined) ?? []), ...sidecars].flatMap(
    (c) => c.ports ?? [],
  );
  const glibc: Record<string, unknown> = {
    name: GLIBC_CONTAINER,
    image: images.glibc,
    imagePullPolicy: 'IfNotPresent',
    command: SLEEP,
  };
  if (ports.length) glibc.ports = ports;
  if (notReady) glibc.readinessProbe = { exec: { command: ['false'] }, periodSeconds: 1 };
  const musl = { name: MUSL_CONTAINER, image: images.musl, imagePullPolicy: 'IfNotPresent', command: SLEEP };
  return { ...kept, containers: [glibc, musl] };
}

interface Template {
  metadata?: { annotations?: Record<string, string> };
  spec?: Spec;
}

const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

/** The object as the backend applies it: pods and pod templates become probe pods. */
export function asProbe(object: KubeObject, images: ProbeImages): KubeObject {
  if (object.kind === 'Pod' && object.apiVersion === 'v1') {
    const notReady = object.metadata.annotations?.[READY_ANNOTATION] === 'false';
    const { status: _status, ...rest } = object;
    return { ...rest, spec: probeSpec(object.spec as Spec | undefined, notReady, images) };
  }
  if (WORKLOADS.has(object.kind)) {
    const spec = (object.spec ?? {}) as { template?: Template };
    const template = spec.template ?? {};
    const notReady = template.metadata?.annotations?.[READY_ANNOTATION] === 'false';
    const { status: _status, ...rest } = object;
    return {
      ...rest,
      spec: { ...spec, template: { ...template, spec: probeSpec(template.spec, notReady, images) } },
    };
  }
  return object;
}
