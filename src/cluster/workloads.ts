/**
 * Workload controllers: the pods (and ReplicaSets) that StatefulSets, Deployments, ReplicaSets
 * and Jobs create. Names and the identity fields DNS depends on (hostname, subdomain, labels)
 * follow the controllers; random parts are derived deterministically (names.ts).
 * A workload whose children are already in the input (a live dump) gets no new ones.
 */
import { fnv32a, type NameRegistry, safeEncodeString, stableJSON } from './names.ts';
import { podMarkedNotReady } from './pods.ts';
import {
  controllerRef,
  ensureUid,
  nameOf,
  namespaceOf,
  ownerReferences,
  type RawPod,
  type RawTemplate,
  type RawWorkload,
} from './raw.ts';
import type { KubeObject } from './types.ts';

/** names.SimpleNameGenerator keeps generateName prefixes to 63 - 5 characters. */
const MAX_PREFIX = 58;

/**
 * The generateName prefix a controller uses for its children: `<owner>-` (pkg/controller
 * controller_utils.go getPodsPrefix; endpointslice getEndpointSlicePrefix), truncated by the
 * name generator.
 */
export function childPrefix(owner: string): string {
  return `${owner}-`.slice(0, MAX_PREFIX);
}

/**
 * Deployment pod-template-hash: the Deployment controller hashes the pod template with FNV-32a
 * and SafeEncodes the decimal value (pkg/controller/controller_utils.go ComputeHash). It hashes
 * Go's dump of the template struct, which the model cannot reproduce, so the value differs from
 * a real cluster's; it is stable for a given template all the same.
 */
export function podTemplateHash(template: RawTemplate | undefined): string {
  return safeEncodeString(String(fnv32a(stableJSON(template ?? {}))));
}

function podFromTemplate(
  owner: KubeObject,
  template: RawTemplate | undefined,
  labels: Record<string, string>,
): RawPod {
  const t = structuredClone(template ?? {});
  const metadata: KubeObject['metadata'] = {
    namespace: namespaceOf(owner),
    labels: { ...t.metadata?.labels, ...labels },
  };
  if (t.metadata?.annotations) metadata.annotations = { ...t.metadata.annotations };
  metadata.ownerReferences = [controllerRef(owner)];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: t.spec ?? {} };
}

/**
 * StatefulSet pods `<set>-<ordinal>`; initIdentity sets spec.hostname to the pod name and
 * spec.subdomain to spec.serviceName (pkg/controller/statefulset/stateful_set_utils.go), and the
 * pod-name / pod-index labels are added (same file, updateIdentity / newVersionedStatefulSetPod).
 * With the default OrderedReady policy the controller creates ordinal n+1 only once ordinal n is
 * Running and Ready (stateful_set_control.go), so a not-ready template yields just the first pod.
 */
export function statefulSetPods(set: RawWorkload, names: NameRegistry): RawPod[] {
  const spec = set.spec ?? {};
  const name = nameOf(set);
  const replicas = spec.replicas ?? 1;
  const start = spec.ordinals?.start ?? 0;
  const revision = `${name}-${podTemplateHash(spec.template)}`;
  const ordered = spec.podManagementPolicy !== 'Parallel';
  const pods: RawPod[] = [];
  for (let ordinal = start; ordinal < start + replicas; ordinal++) {
    const podName = `${name}-${ordinal}`;
    const pod = podFromTemplate(set, spec.template, {
      'apps.kubernetes.io/pod-index': String(ordinal),
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': podName,
    });
    pod.metadata.name = podName;
    names.add('Pod', namespaceOf(set), podName);
    pod.spec = { ...pod.spec, hostname: podName, subdomain: spec.serviceName ?? '' };
    if (!pod.spec.subdomain) delete pod.spec.subdomain;
    pods.push(pod);
    if (ordered && podMarkedNotReady(pod)) break;
  }
  return pods;
}

/**
 * A Deployment's ReplicaSet `<deployment>-<pod-template-hash>`; the hash is added to the
 * ReplicaSet's selector, template labels and its own labels
 * (pkg/controller/deployment/sync.go getNewReplicaSet).
 */
export function deploymentReplicaSet(d: RawWorkload): RawWorkload {
  const spec = d.spec ?? {};
  const hash = podTemplateHash(spec.template);
  const labels = { ...spec.template?.metadata?.labels, 'pod-template-hash': hash };
  const template = structuredClone(spec.template ?? {});
  template.metadata = { ...template.metadata, labels: { ...labels } };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${nameOf(d)}-${hash}`,
      namespace: namespaceOf(d),
      labels,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [controllerRef(d)],
    },
    spec: {
      replicas: spec.replicas ?? 1,
      selector: {
        ...spec.selector,
        matchLabels: { ...spec.selector?.matchLabels, 'pod-template-hash': hash },
      },
      template,
    },
  };
}

/** ReplicaSet pods: generateName `<rs>-` (pkg/controller/replicaset/replica_set.go via getPodsPrefix). */
export function replicaSetPods(rs: RawWorkload, names: NameRegistry): RawPod[] {
  const ns = namespaceOf(rs);
  const pods: RawPod[] = [];
  for (let i = 0; i < (rs.spec?.replicas ?? 1); i++) {
    const pod = podFromTemplate(rs, rs.spec?.template, {});
    pod.metadata.generateName = childPrefix(nameOf(rs));
    pod.metadata.name = names.generate('Pod', ns, pod.metadata.generateName, `${ns}/${nameOf(rs)}/${i}`);
    pods.push(pod);
  }
  return pods;
}

/**
 * Job pods: as many as spec.parallelism (default 1) but no more than spec.completions. The
 * job-name and controller-uid labels come from the Job's generated selector
 * (pkg/registry/batch/job/strategy.go). Indexed Jobs name pods `<job>-<index>-` and give them
 * hostname `<job>-<index>` unless the template sets one (pkg/controller/job/indexed_job_utils.go).
 */
export function jobPods(job: RawWorkload, names: NameRegistry): RawPod[] {
  const spec = job.spec ?? {};
  const ns = namespaceOf(job);
  const name = nameOf(job);
  const uid = job.metadata.uid as string;
  const count = Math.min(spec.parallelism ?? 1, spec.completions ?? Number.POSITIVE_INFINITY);
  const indexed = spec.completionMode === 'Indexed';
  const pods: RawPod[] = [];
  for (let i = 0; i < count; i++) {
    const labels: Record<string, string> = {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': name,
      'controller-uid': uid,
      'job-name': name,
    };
    if (indexed) labels['batch.kubernetes.io/job-completion-index'] = String(i);
    const pod = podFromTemplate(job, spec.template, labels);
    pod.metadata.generateName = childPrefix(indexed ? `${name}-${i}` : name);
    pod.metadata.name = names.generate('Pod', ns, pod.metadata.generateName, `${ns}/${name}/${i}`);
    if (indexed && !pod.spec?.hostname) pod.spec = { ...pod.spec, hostname: `${name}-${i}` };
    pods.push(pod);
  }
  return pods;
}

/**
 * Everything the workload controllers would create for `objects`: ReplicaSets for Deployments,
 * pods for ReplicaSets (given or created), StatefulSets and Jobs. Workloads must carry a uid.
 */
export function expandWorkloads(objects: KubeObject[], names: NameRegistry): KubeObject[] {
  const owned = new Set<string>();
  for (const o of objects) {
    for (const ref of ownerReferences(o)) owned.add(`${namespaceOf(o)}/${ref.kind}/${ref.name}`);
  }
  const hasChildren = (w: KubeObject) => owned.has(`${namespaceOf(w)}/${w.kind}/${nameOf(w)}`);
  const created: KubeObject[] = [];
  const replicaSets: RawWorkload[] = [];
  for (const o of objects) {
    if (o.kind === 'ReplicaSet') replicaSets.push(o as RawWorkload);
    if (o.kind === 'Deployment' && !hasChildren(o)) {
      const rs = deploymentReplicaSet(o as RawWorkload);
      ensureUid(rs);
      names.add('ReplicaSet', namespaceOf(rs), nameOf(rs));
      created.push(rs);
      replicaSets.push(rs);
    }
  }
  for (const o of objects) {
    if (hasChildren(o)) continue;
    if (o.kind === 'StatefulSet') created.push(...statefulSetPods(o as RawWorkload, names));
    if (o.kind === 'Job') created.push(...jobPods(o as RawWorkload, names));
  }
  for (const rs of replicaSets) if (!hasChildren(rs)) created.push(...replicaSetPods(rs, names));
  return created;
}
