/**
 * Where a scenario's namespaces live in the cluster. On a dedicated kind cluster they are used as
 * they are. On an existing cluster each scenario namespace N is a scratch namespace
 * `dnsconform-<run>-N` (shortened with a hash past 63 characters), and the backend shows the
 * runner the scenario's view:
 *
 * - objects going in: `metadata.namespace`, a Namespace's name, `targetRef.namespace` of
 *   EndpointSlice and Endpoints addresses, and namespace labels in DNS names are mapped;
 * - names asked: a label N is mapped where it stands as a namespace — before `svc` or `pod`
 *   (`web.N.svc.cluster.local`, `N.svc.cluster.local`, `1-2-3-4.N.pod…`), or as the last label of
 *   a relative name (`web.N`);
 * - everything coming back (objects, answers, tool output) has each scratch name, as a whole
 *   label, turned back into N. The real namespaces the scratch ones stand in for (a cluster's own
 *   `default`) are hidden from the read-back state, as they are unreachable through the mapping.
 *
 * Known limits: the letter case of a mapped label is not kept; names get longer in the cluster
 * (`dnsconform-xxxxxx-` adds 18 characters), which matters only near the 253-character limit.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../cluster/types.ts';
import type { CorefileRewrite } from '../../run/result.ts';

export const RUN_LABEL = 'dnsconform.io/run';
const MAX_LABEL = 63;

export interface NamespaceMapping {
  readonly scratch: boolean;
  /** Scenario namespace → cluster namespace (registers it). */
  toCluster(namespace: string): string;
  /** The pairs in use, scenario first. */
  entries(): [string, string][];
  objectToCluster(object: KubeObject): KubeObject;
  /** undefined when the object is hidden by the mapping. */
  objectFromCluster(object: KubeObject): KubeObject | undefined;
  nameToCluster(name: string): string;
  textFromCluster(text: string): string;
  corefileToCluster(corefile: string): { text: string; rewrites: CorefileRewrite[] };
}

/** kind: the cluster is ours, namespaces are used as the scenario names them. */
export const IDENTITY_MAPPING: NamespaceMapping = {
  scratch: false,
  toCluster: (ns) => ns,
  entries: () => [],
  objectToCluster: (o) => o,
  objectFromCluster: (o) => o,
  nameToCluster: (n) => n,
  textFromCluster: (t) => t,
  corefileToCluster: (text) => ({ text, rewrites: [] }),
};

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class ScratchMapping implements NamespaceMapping {
  readonly scratch = true;
  private readonly forward = new Map<string, string>();

  constructor(readonly runId: string) {}

  toCluster(namespace: string): string {
    const ns = namespace.toLowerCase();
    let mapped = this.forward.get(ns);
    if (!mapped) {
      mapped = `dnsconform-${this.runId}-${ns}`;
      if (mapped.length > MAX_LABEL) {
        const hash = createHash('sha256').update(ns).digest('hex').slice(0, 8);
        mapped = `${mapped.slice(0, MAX_LABEL - 9).replace(/-+$/, '')}-${hash}`;
      }
      this.forward.set(ns, mapped);
    }
    return mapped;
  }

  entries(): [string, string][] {
    return [...this.forward];
  }

  objectToCluster(object: KubeObject): KubeObject {
    const o = structuredClone(object);
    if (o.kind === 'Namespace') {
      o.metadata.name = this.toCluster(o.metadata.name ?? '');
      o.metadata.labels = { ...o.metadata.labels, [RUN_LABEL]: this.runId };
      delete o.metadata.labels['kubernetes.io/metadata.name'];
      return o;
    }
    o.metadata.namespace = this.toCluster(o.metadata.namespace ?? 'default');
    const refs = (list: unknown) => {
      for (const a of (list as { targetRef?: { namespace?: string } }[] | undefined) ?? []) {
        if (a.targetRef?.namespace) a.targetRef.namespace = this.toCluster(a.targetRef.namespace);
      }
    };
    if (o.kind === 'EndpointSlice') refs(o.endpoints);
    if (o.kind === 'Endpoints') {
      for (const s of (o.subsets as { addresses?: unknown; notReadyAddresses?: unknown }[] | undefined) ??
        []) {
        refs(s.addresses);
        refs(s.notReadyAddresses);
      }
    }
    const spec = o.spec as { externalName?: string; dnsConfig?: { searches?: string[] } } | undefined;
    if (o.kind === 'Service' && spec?.externalName) spec.externalName = this.nameToCluster(spec.externalName);
    if (o.kind === 'Pod' && spec?.dnsConfig?.searches) {
      spec.dnsConfig.searches = spec.dnsConfig.searches.map((s) => this.nameToCluster(`${s}.`).slice(0, -1));
    }
    return o;
  }

  objectFromCluster(object: KubeObject): KubeObject | undefined {
    const ns = object.kind === 'Namespace' ? object.metadata.name : object.metadata.namespace;
    if (ns && this.forward.has(ns)) return undefined;
    return JSON.parse(this.textFromCluster(JSON.stringify(object))) as KubeObject;
  }

  /** Maps namespace labels where they stand as namespaces (see the module comment). */
  nameToCluster(name: string): string {
    const absolute = name.endsWith('.');
    const labels = (absolute ? name.slice(0, -1) : name).split('.');
    const mapped = labels.map((label, i) => {
      const ns = label.toLowerCase();
      if (!this.forward.has(ns)) return label;
      const next = labels[i + 1]?.toLowerCase();
      const asNamespace = next === 'svc' || next === 'pod' || (!absolute && i > 0 && i === labels.length - 1);
      return asNamespace ? this.toCluster(ns) : label;
    });
    return mapped.join('.') + (absolute ? '.' : '');
  }

  textFromCluster(text: string): string {
    let out = text;
    for (const [scenario, cluster] of this.forward) {
      out = out.replace(
        new RegExp(`(?<![A-Za-z0-9-])${escapeRegExp(cluster)}(?![A-Za-z0-9-])`, 'gi'),
        scenario,
      );
    }
    return out;
  }

  /**
   * The Corefile as it runs in the cluster: `namespaces` arguments and names under a mapped
   * namespace are mapped, each changed line listed.
   */
  corefileToCluster(corefile: string): { text: string; rewrites: CorefileRewrite[] } {
    const rewrites: CorefileRewrite[] = [];
    const lines = corefile.split('\n').map((line, i) => {
      const m = /^(\s*)namespaces(\s+)(.*)$/.exec(line);
      const next = m
        ? `${m[1]}namespaces${m[2]}${(m[3] as string)
            .split(/(\s+)/)
            .map((t) => (/^[a-z0-9-]+$/.test(t) ? this.toCluster(t) : t))
            .join('')}`
        : line
            .split(/(\s+)/)
            .map((t) => (t.includes('.') ? this.nameToClusterAbsoluteOnly(t) : t))
            .join('');
      if (next !== line) {
        rewrites.push({
          line: i + 1,
          from: line.trim(),
          to: next.trim(),
          why: 'scenario namespaces run in scratch namespaces on an existing cluster',
        });
      }
      return next;
    });
    return { text: lines.join('\n'), rewrites };
  }

  /** In a Corefile a name is never relative: only the `svc`/`pod` rule applies. */
  private nameToClusterAbsoluteOnly(token: string): string {
    return token.endsWith('.') ? this.nameToCluster(token) : this.nameToCluster(`${token}.`).slice(0, -1);
  }
}
