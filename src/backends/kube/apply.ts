/**
 * Making the cluster hold a scenario step's objects: server-side apply of what is new or changed,
 * deletion of what the previous step had and this one has not, then bounded waits until the
 * control plane has settled (pods running and ready as marked, workloads at their replica
 * count, EndpointSlices listing exactly the selected pods) — so the state read back afterwards is
 * the state CoreDNS answers from.
 */
import type { KubeObject } from '../../cluster/types.ts';
import { EnvironmentError } from '../../errors.ts';
import { ApiError, type KubeClient } from './client.ts';
import { poll } from './wait.ts';

export interface WaitOptions {
  timeoutMs: number;
  signal: AbortSignal;
  log: (m: string) => void;
}

/** Fields the API server owns; a live dump used as a manifest must not send them back. */
function applicable(object: KubeObject): KubeObject {
  const { status: _status, ...rest } = object;
  const {
    uid: _u,
    resourceVersion: _r,
    creationTimestamp: _c,
    managedFields: _m,
    generation: _g,
    selfLink: _s,
    deletionTimestamp: _d,
    ...metadata
  } = object.metadata;
  return { ...rest, metadata } as KubeObject;
}

export function objectKey(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** Namespaces first, pods last: what others refer to exists before them. */
const ORDER = ['Namespace', 'ServiceAccount', 'ConfigMap', 'Secret', 'Service', 'Endpoints', 'EndpointSlice'];
function rank(o: KubeObject): number {
  const i = ORDER.indexOf(o.kind);
  return i === -1 ? (o.kind === 'Pod' ? ORDER.length + 1 : ORDER.length) : i;
}

export interface ApplyResult {
  /** The objects now applied (cluster names, as sent). */
  applied: KubeObject[];
}

/** Deletes objects and waits until they are gone (pods: until kubelet has stopped them). */
export async function deleteAndWait(
  client: KubeClient,
  objects: KubeObject[],
  options: WaitOptions,
): Promise<void> {
  const existing: KubeObject[] = [];
  for (const o of objects) if (await client.delete(o)) existing.push(o);
  if (!existing.length) return;
  await poll(
    async () => {
      const left: string[] = [];
      for (const o of existing) if (await client.find(await client.objectPath(o))) left.push(objectKey(o));
      return left.length
        ? { done: false, detail: `still there: ${left.join(', ')}` }
        : { done: true, value: undefined };
    },
    { what: 'deleted objects to go away', timeoutMs: options.timeoutMs, signal: options.signal },
  );
}

/**
 * Applies `desired` (already mapped and made runnable), deleting what `previous` had that
 * `desired` lacks. Namespaces that existed before dnsconform touched them are never deleted:
 * `owned` collects the ones it created.
 */
export async function applyObjects(
  client: KubeClient,
  desired: KubeObject[],
  previous: KubeObject[],
  owned: Set<string>,
  options: WaitOptions,
): Promise<ApplyResult> {
  const wanted = new Map(desired.map((o) => [objectKey(o), applicable(o)]));
  const gone = previous.filter((o) => !wanted.has(objectKey(o)));
  const removable = gone.filter((o) => o.kind !== 'Namespace' || owned.has(o.metadata.name ?? ''));
  // Contents first, then their namespaces (a namespace's deletion waits for its contents anyway).
  await deleteAndWait(
    client,
    removable.filter((o) => o.kind !== 'Namespace'),
    options,
  );
  await deleteAndWait(
    client,
    removable.filter((o) => o.kind === 'Namespace'),
    options,
  );
  for (const o of removable) if (o.kind === 'Namespace') owned.delete(o.metadata.name ?? '');

  // Every namespace an object lives in exists, whether or not the step declares it.
  for (const ns of new Set(
    [...wanted.values()].flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])),
  )) {
    const key = objectKey({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    if (!wanted.has(key)) wanted.set(key, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  const ordered = [...wanted.values()].sort((a, b) => rank(a) - rank(b));
  for (const o of ordered) {
    if (o.kind === 'Namespace') {
      const name = o.metadata.name ?? '';
      const path = await client.objectPath(o);
      const before = await client.find(path);
      if (!before) owned.add(name);
      else if ((before.metadata as { deletionTimestamp?: string }).deletionTimestamp) {
        throw new EnvironmentError(
          `namespace ${name} is being deleted: wait until it is gone, then run again`,
        );
      }
      if (!before || owned.has(name)) await client.apply(o);
      continue;
    }
    await applyOne(client, o, options);
  }
  return { applied: ordered };
}

/** Pod specs are mostly immutable: a changed pod is deleted and created anew. */
async function applyOne(client: KubeClient, o: KubeObject, options: WaitOptions): Promise<void> {
  try {
    await client.apply(o);
  } catch (e) {
    if (e instanceof ApiError && e.status === 422 && o.kind === 'Pod') {
      options.log(`pod ${o.metadata.namespace}/${o.metadata.name} changed: recreating it`);
      await deleteAndWait(client, [o], options);
      await client.apply(o);
      return;
    }
    throw new Error(
      `applying ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: ${(e as Error).message}`,
    );
  }
}

interface PodLike extends KubeObject {
  spec?: { containers?: { image?: string }[] };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: { type: string; status: string }[];
    containerStatuses?: { image?: string; state?: { waiting?: { reason?: string; message?: string } } }[];
  };
}

const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

function podReady(p: PodLike): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** What keeps a pod from being settled, or undefined. Throws when it can never be (image pull). */
function podPending(p: PodLike): string | undefined {
  const id = `${p.metadata.namespace}/${p.metadata.name}`;
  if (p.metadata.deletionTimestamp) return `pod ${id} is terminating`;
  for (const cs of p.status?.containerStatuses ?? []) {
    const waiting = cs.state?.waiting;
    if (waiting?.reason && PULL_FAILURES.has(waiting.reason)) {
      throw new EnvironmentError(
        `pod ${id} cannot pull image ${cs.image ?? ''} (${waiting.reason}): allow the cluster to pull it, or load it first (kind: docker pull it, dnsconform then runs kind load docker-image)`,
      );
    }
  }
  const phase = p.status?.phase ?? 'Pending';
  if (phase === 'Succeeded' || phase === 'Failed') return undefined;
  if (phase !== 'Running') return `pod ${id} is ${phase}`;
  const wantReady = p.metadata.annotations?.['dnsconform.io/ready'] !== 'false';
  if (wantReady && !podReady(p)) return `pod ${id} is not ready`;
  return undefined;
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** EndpointSlice controller: a selector Service lists every running pod it selects, ready as the pod is. */
function slicesPending(svc: KubeObject, pods: PodLike[], slices: KubeObject[]): string | undefined {
  const spec = svc.spec as { selector?: Record<string, string>; type?: string } | undefined;
  if (!spec?.selector || !Object.keys(spec.selector).length || spec.type === 'ExternalName') return undefined;
  const ns = svc.metadata.namespace;
  const want = new Map<string, boolean>();
  for (const p of pods) {
    if (
      p.metadata.namespace !== ns ||
      p.metadata.deletionTimestamp ||
      !selects(spec.selector, p.metadata.labels)
    )
      continue;
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const ips = p.status?.podIPs?.map((x) => x.ip) ?? (p.status?.podIP ? [p.status.podIP] : []);
    for (const ip of ips) want.set(ip, podReady(p));
  }
  const have = new Map<string, boolean>();
  for (const s of slices) {
    if (
      s.metadata.namespace !== ns ||
      s.metadata.labels?.['kubernetes.io/service-name'] !== svc.metadata.name
    )
      continue;
    for (const e of (s.endpoints as
      | { addresses: string[]; conditions?: { ready?: boolean } }[]
      | undefined) ?? []) {
      for (const a of e.addresses) have.set(a, e.conditions?.ready !== false);
    }
  }
  const id = `service ${ns}/${svc.metadata.name}`;
  for (const [ip, ready] of want) {
    if (!have.has(ip)) return `${id}: EndpointSlices lack ${ip}`;
    if (have.get(ip) !== ready) return `${id}: endpoint ${ip} not yet ${ready ? 'ready' : 'not ready'}`;
  }
  for (const ip of have.keys()) if (!want.has(ip)) return `${id}: EndpointSlices still list ${ip}`;
  return undefined;
}

interface WorkloadLike extends KubeObject {
  metadata: KubeObject['metadata'] & { generation?: number };
  spec?: {
    replicas?: number;
    parallelism?: number;
    completions?: number;
    template?: { metadata?: { annotations?: Record<string, string> } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    active?: number;
    succeeded?: number;
  };
}

/** The controller has created the pods it will create. */
function workloadPending(w: WorkloadLike): string | undefined {
  const id = `${w.kind} ${w.metadata.namespace}/${w.metadata.name}`;
  const s = w.status ?? {};
  if (w.kind !== 'Job' && (s.observedGeneration ?? 0) < (w.metadata.generation ?? 1))
    return `${id} not observed yet`;
  const want = w.spec?.replicas ?? 1;
  switch (w.kind) {
    case 'Deployment':
    case 'ReplicaSet':
      return (s.replicas ?? 0) === want ? undefined : `${id} has ${s.replicas ?? 0} of ${want} pods`;
    case 'StatefulSet': {
      // OrderedReady: a pod that never gets ready holds back the next ordinal (model: workloads.ts).
      const notReady = w.spec?.template?.metadata?.annotations?.['dnsconform.io/ready'] === 'false';
      const n = notReady ? Math.min(want, 1) : want;
      return (s.replicas ?? 0) >= n ? undefined : `${id} has ${s.replicas ?? 0} of ${n} pods`;
    }
    case 'DaemonSet':
      return s.desiredNumberScheduled !== undefined && s.currentNumberScheduled === s.desiredNumberScheduled
        ? undefined
        : `${id} has ${s.currentNumberScheduled ?? 0} of ${s.desiredNumberScheduled ?? '?'} pods`;
    case 'Job': {
      const n = Math.min(w.spec?.parallelism ?? 1, w.spec?.completions ?? 1);
      return (s.active ?? 0) + (s.succeeded ?? 0) >= n
        ? undefined
        : `${id} has ${(s.active ?? 0) + (s.succeeded ?? 0)} of ${n} pods`;
    }
    default:
      return undefined;
  }
}

const WORKLOAD_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

/** Waits until the applied objects' namespaces have settled (see the module comment). */
export async function waitSettled(
  client: KubeClient,
  applied: KubeObject[],
  options: WaitOptions,
): Promise<void> {
  const namespaces = [
    ...new Set(applied.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : []))),
  ];
  const workloads = applied.filter((o) => WORKLOAD_KINDS.has(o.kind));
  const mirrored = applied.filter((o) => o.kind === 'Endpoints');
  options.log(`waiting for pods and EndpointSlices in ${namespaces.join(', ') || '(no namespace)'}`);
  await poll(
    async () => {
      for (const w of workloads) {
        const live = (await client.find<WorkloadLike>(await client.objectPath(w))) ?? (w as WorkloadLike);
        const missing = workloadPending(live);
        if (missing) return { done: false, detail: missing };
      }
      const pods: PodLike[] = [];
      const slices: KubeObject[] = [];
      const services: KubeObject[] = [];
      for (const ns of namespaces) {
        pods.push(...(await client.list('v1', 'Pod', ns)));
        slices.push(...(await client.list('discovery.k8s.io/v1', 'EndpointSlice', ns)));
        services.push(...(await client.list('v1', 'Service', ns)));
      }
      for (const p of pods) {
        const missing = podPending(p);
        if (missing) return { done: false, detail: missing };
      }
      for (const s of services) {
        const missing = slicesPending(s, pods, slices);
        if (missing) return { done: false, detail: missing };
      }
      // EndpointSlice mirroring controller: hand-written Endpoints of a selectorless Service get a slice.
      for (const e of mirrored) {
        const svc = services.find(
          (s) => s.metadata.name === e.metadata.name && s.metadata.namespace === e.metadata.namespace,
        );
        if (!svc || (svc.spec as { selector?: unknown } | undefined)?.selector) continue;
        const has = slices.some(
          (s) =>
            s.metadata.namespace === e.metadata.namespace &&
            s.metadata.labels?.['kubernetes.io/service-name'] === e.metadata.name,
        );
        if (!has)
          return {
            done: false,
            detail: `Endpoints ${e.metadata.namespace}/${e.metadata.name} not mirrored yet`,
          };
      }
      return { done: true, value: undefined };
    },
    {
      what: 'the scenario objects to settle',
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      intervalMs: 1000,
    },
  );
}
