/**
 * The cluster's CoreDNS: its Corefile (ConfigMap kube-system/coredns, key `Corefile`, as kubeadm
 * installs it), its version (the Deployment's image tag) and the Corefile swap coredns/ci uses
 * (test/kubernetes/tools.go): write the ConfigMap, restart the pods, wait until they are ready,
 * then read the Corefile back and compare. A restart rather than the `reload` plugin, because
 * reload only acts when the new Corefile parses and the kubelet's ConfigMap sync may take a minute.
 */
import type { KubeObject } from '../../cluster/types.ts';
import { EnvironmentError } from '../../errors.ts';
import { ApiError, type KubeClient } from './client.ts';
import { poll, WaitTimeout } from './wait.ts';

export const COREDNS_NAMESPACE = 'kube-system';
export const COREDNS_CONFIGMAP = 'coredns';
export const COREDNS_DEPLOYMENT = 'coredns';
/** kubeadm's kube-dns Service, whose ClusterIP is kubelet's clusterDNS. */
export const KUBE_DNS_SERVICE = 'kube-dns';

const CONFIGMAP: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: COREDNS_CONFIGMAP, namespace: COREDNS_NAMESPACE },
};
const DEPLOYMENT: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: COREDNS_DEPLOYMENT, namespace: COREDNS_NAMESPACE },
};

interface Deployment extends KubeObject {
  metadata: KubeObject['metadata'] & { generation?: number };
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { spec?: { containers?: { name: string; image?: string }[] } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    readyReplicas?: number;
  };
}

async function must<T>(what: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      throw new EnvironmentError(
        `${what} not found: dnsconform expects CoreDNS installed as kubeadm does (ConfigMap and Deployment kube-system/coredns)`,
      );
    }
    throw e;
  }
}

export async function readCorefile(client: KubeClient): Promise<{ text: string; configMap: KubeObject }> {
  const cm = await must('ConfigMap kube-system/coredns', client.get(await client.objectPath(CONFIGMAP)));
  const text = (cm.data as Record<string, string> | undefined)?.Corefile;
  if (text === undefined) throw new EnvironmentError('ConfigMap kube-system/coredns has no Corefile key');
  return { text, configMap: cm };
}

/** `registry.k8s.io/coredns/coredns:v1.12.0` → `1.12.0`; digests and registries with ports are handled. */
export function versionFromImage(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] as string;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon <= slash) return undefined;
  const m = /^v?(\d+\.\d+\.\d+)/.exec(withoutDigest.slice(colon + 1));
  return m?.[1];
}

export async function readCorednsDeployment(client: KubeClient): Promise<Deployment> {
  return must('Deployment kube-system/coredns', client.get<Deployment>(await client.objectPath(DEPLOYMENT)));
}

export async function readCorednsVersion(client: KubeClient): Promise<string> {
  const image = corednsImage(await readCorednsDeployment(client));
  const version = image ? versionFromImage(image) : undefined;
  if (!version) {
    throw new EnvironmentError(
      `cannot tell the CoreDNS version from image '${image ?? '(none)'}' of Deployment kube-system/coredns: pass --coredns-version`,
    );
  }
  return version;
}

export async function kubeDnsIPs(client: KubeClient): Promise<string[]> {
  const svc = await must(
    'Service kube-system/kube-dns',
    client.get(
      await client.objectPath({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: KUBE_DNS_SERVICE, namespace: COREDNS_NAMESPACE },
      }),
    ),
  );
  const spec = svc.spec as { clusterIP?: string; clusterIPs?: string[] } | undefined;
  return spec?.clusterIPs ?? (spec?.clusterIP ? [spec.clusterIP] : []);
}

/** The CoreDNS container's image (the version in force). */
export function corednsImage(d: Deployment): string | undefined {
  const containers = d.spec?.template?.spec?.containers ?? [];
  return (containers.find((x) => x.name === 'coredns') ?? containers[0])?.image;
}

/** Strategic merge: containers merge by name, so only the coredns container's image changes. */
export async function setCorednsImage(client: KubeClient, image: string): Promise<void> {
  await client.request('PATCH', await client.objectPath(DEPLOYMENT), {
    body: { spec: { template: { spec: { containers: [{ name: 'coredns', image }] } } } },
    contentType: 'application/strategic-merge-patch+json',
    query: { fieldManager: 'dnsconform' },
  });
}

/** Where kubeadm's CoreDNS images come from (kubeadm constants: registry.k8s.io/coredns/coredns). */
export function corednsImageFor(version: string): string {
  return `registry.k8s.io/coredns/coredns:v${version}`;
}

async function writeCorefile(client: KubeClient, text: string): Promise<void> {
  await client.mergePatch(CONFIGMAP, { data: { Corefile: text } });
}

/** What `kubectl rollout restart` does: a new pod template annotation, so every pod is replaced. */
async function restart(client: KubeClient): Promise<void> {
  await client.mergePatch(DEPLOYMENT, {
    spec: {
      template: {
        metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } },
      },
    },
  });
}

/** kubectl rollout status (deployment): new generation observed, every replica updated and available, none old. */
function rolledOut(d: Deployment): string | undefined {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0))
    return 'the new pod template is not observed yet';
  if ((s.updatedReplicas ?? 0) < want) return `${s.updatedReplicas ?? 0} of ${want} pods updated`;
  if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0))
    return `${(s.replicas ?? 0) - (s.updatedReplicas ?? 0)} old pods still running`;
  if ((s.availableReplicas ?? 0) < want) return `${s.availableReplicas ?? 0} of ${want} updated pods ready`;
  return undefined;
}

/** The last lines CoreDNS logged, for the error when it does not come up (a Corefile it refuses). */
async function recentLogs(client: KubeClient, d: Deployment): Promise<string> {
  try {
    const selector = Object.entries(d.spec?.selector?.matchLabels ?? { 'k8s-app': 'kube-dns' })
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pods = await client.list('v1', 'Pod', COREDNS_NAMESPACE, selector);
    const newest = pods.sort((a, b) =>
      String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')),
    )[0];
    if (!newest?.metadata.name) return '';
    const text = await client.request<string>(
      'GET',
      `/api/v1/namespaces/${COREDNS_NAMESPACE}/pods/${newest.metadata.name}/log`,
      { query: { container: 'coredns', tailLines: '5' }, text: true },
    );
    return text.trim().split('\n').join(' | ');
  } catch {
    return '';
  }
}

export interface SwapOptions {
  timeoutMs: number;
  signal: AbortSignal;
  log: (m: string) => void;
}

/** Waits until the CoreDNS Deployment has rolled out (every replica updated and ready, no old ones). */
export async function waitRolledOut(client: KubeClient, options: SwapOptions): Promise<void> {
  try {
    await poll(
      async () => {
        const d = await readCorednsDeployment(client);
        const missing = rolledOut(d);
        return missing ? { done: false, detail: missing } : { done: true, value: undefined };
      },
      {
        what: 'CoreDNS to be ready (deployment kube-system/coredns)',
        timeoutMs: options.timeoutMs,
        signal: options.signal,
      },
    );
  } catch (e) {
    if (e instanceof WaitTimeout) {
      const logs = await recentLogs(client, await readCorednsDeployment(client));
      throw new Error(`${e.message}${logs ? `; CoreDNS logged: ${logs}` : ''}`);
    }
    throw e;
  }
}

/** Restart CoreDNS and wait until every pod runs the current ConfigMap. */
export async function restartAndWait(client: KubeClient, options: SwapOptions): Promise<void> {
  await restart(client);
  await waitRolledOut(client, options);
}

/**
 * Puts `text` in force: ConfigMap, restart, wait ready, read back and compare. Throws (after
 * nothing else) when CoreDNS does not come up; restoring is the caller's (it knows the original).
 */
export async function setCorefileInCluster(
  client: KubeClient,
  text: string,
  image: string | undefined,
  options: SwapOptions,
): Promise<void> {
  options.log('CoreDNS: writing the Corefile to ConfigMap kube-system/coredns');
  await writeCorefile(client, text);
  if (image) {
    options.log(`CoreDNS: running image ${image}`);
    await setCorednsImage(client, image);
  }
  options.log('CoreDNS: restarting and waiting for the pods to be ready');
  await restartAndWait(client, options);
  const inForce = (await readCorefile(client)).text;
  if (inForce !== text) {
    throw new Error(
      'the Corefile read back from ConfigMap kube-system/coredns differs from the one written (another controller manages it?)',
    );
  }
}

/** Writes the original back and restarts; used on every exit path after a swap. */
export async function restoreCorefile(
  client: KubeClient,
  original: { corefile: string; image: string | undefined },
  options: SwapOptions,
): Promise<void> {
  options.log('CoreDNS: restoring the original Corefile');
  await writeCorefile(client, original.corefile);
  if (original.image) await setCorednsImage(client, original.image);
  await restartAndWait(client, options);
}
