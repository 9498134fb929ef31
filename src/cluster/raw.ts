/**
 * The API JSON shapes (core/v1, discovery/v1, apps/v1, batch/v1) of the fields the control-plane
 * model reads and writes. Objects keep every other field they arrive with.
 */
import { uidFor } from './names.ts';
import type { KubeObject } from './types.ts';

export interface RawContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface RawContainer {
  name?: string;
  ports?: RawContainerPort[] | null;
  restartPolicy?: string;
  [k: string]: unknown;
}

export interface RawPodSpec {
  hostname?: string;
  subdomain?: string;
  setHostnameAsFQDN?: boolean;
  hostNetwork?: boolean;
  dnsPolicy?: string;
  dnsConfig?: {
    nameservers?: string[] | null;
    searches?: string[] | null;
    options?: { name?: string; value?: string }[] | null;
  } | null;
  hostAliases?: { ip?: string; hostnames?: string[] | null }[] | null;
  nodeName?: string;
  containers?: RawContainer[] | null;
  initContainers?: RawContainer[] | null;
  [k: string]: unknown;
}

export interface RawPodCondition {
  type: string;
  status: string;
  [k: string]: unknown;
}

export interface RawPod extends KubeObject {
  spec?: RawPodSpec;
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[] | null;
    hostIP?: string;
    hostIPs?: { ip: string }[] | null;
    conditions?: RawPodCondition[] | null;
    [k: string]: unknown;
  };
}

export interface RawTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: RawPodSpec;
}

export interface RawWorkload extends KubeObject {
  spec?: {
    replicas?: number;
    parallelism?: number;
    completions?: number;
    completionMode?: string;
    serviceName?: string;
    podManagementPolicy?: string;
    ordinals?: { start?: number };
    selector?: { matchLabels?: Record<string, string>; [k: string]: unknown };
    template?: RawTemplate;
    [k: string]: unknown;
  };
}

export interface RawServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
  [k: string]: unknown;
}

export interface RawService extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[] | null;
    ipFamilies?: string[] | null;
    ipFamilyPolicy?: string;
    externalName?: string;
    externalIPs?: string[] | null;
    selector?: Record<string, string> | null;
    publishNotReadyAddresses?: boolean;
    ports?: RawServicePort[] | null;
    [k: string]: unknown;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] | null } | null };
}

export interface RawEndpointPort {
  name?: string | null;
  port?: number | null;
  protocol?: string | null;
  appProtocol?: string;
}

export interface RawEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null } | null;
  hostname?: string | null;
  nodeName?: string | null;
  zone?: string | null;
  targetRef?: { kind?: string; name?: string; namespace?: string; uid?: string } | null;
}

export interface RawEndpointSlice extends KubeObject {
  addressType: string;
  endpoints: RawEndpoint[] | null;
  ports?: RawEndpointPort[] | null;
}

export interface RawEndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: RawEndpoint['targetRef'];
}

export interface RawEndpoints extends KubeObject {
  subsets?:
    | {
        addresses?: RawEndpointAddress[] | null;
        notReadyAddresses?: RawEndpointAddress[] | null;
        ports?: RawEndpointPort[] | null;
      }[]
    | null;
}

/** metadata.ownerReferences entry (apimachinery meta/v1). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** A controller reference, as metav1.NewControllerRef builds it. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name as string,
    uid: owner.metadata.uid as string,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function ownerReferences(o: KubeObject): OwnerReference[] {
  const refs = o.metadata.ownerReferences;
  return Array.isArray(refs) ? (refs as OwnerReference[]) : [];
}

export function namespaceOf(o: KubeObject): string {
  return o.metadata.namespace ?? 'default';
}

export function nameOf(o: KubeObject): string {
  return o.metadata.name as string;
}

/** Gives `o` a uid if it has none (the API server assigns one on create). */
export function ensureUid(o: KubeObject): string {
  if (!o.metadata.uid) o.metadata.uid = uidFor(o.kind, o.metadata.namespace ?? '', o.metadata.name as string);
  return o.metadata.uid;
}
