/**
 * Services as the API server stores them: defaulted fields, IP families and ClusterIPs
 * (pkg/registry/core/service/storage/alloc.go initIPFamilyFields + allocClusterIPs;
 * core/v1 defaults.go SetDefaults_Service).
 */
import { InputError } from '../errors.ts';
import type { Network, ServiceIPAllocator } from './allocation.ts';
import { type Family, familyName, formatIP, parseIP } from './ip.ts';
import { objectSource } from './load.ts';
import { ensureUid, nameOf, namespaceOf, type RawService } from './raw.ts';

const FAMILY: Record<string, Family> = { IPv4: 4, IPv6: 6 };

function fail(svc: RawService, message: string): never {
  const src = objectSource(svc);
  throw new InputError(
    `Service ${namespaceOf(svc)}/${nameOf(svc)}: ${message}`,
    src ? { file: src.file, line: src.line } : undefined,
  );
}

export function isHeadless(svc: RawService): boolean {
  return svc.spec?.clusterIP === 'None' || svc.spec?.clusterIPs?.[0] === 'None';
}

function hasSelector(svc: RawService): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

/** SetDefaults_Service: type ClusterIP, protocol TCP, targetPort = port, sessionAffinity None. */
function defaultFields(svc: RawService): void {
  svc.metadata.namespace = namespaceOf(svc);
  ensureUid(svc);
  svc.spec ??= {};
  const spec = svc.spec;
  spec.type ??= 'ClusterIP';
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (spec.type === 'ExternalName') return;
  spec.sessionAffinity ??= 'None';
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.clusterIPs?.length && spec.clusterIP === undefined) spec.clusterIP = spec.clusterIPs[0];
  if (spec.clusterIP !== undefined && spec.clusterIP !== '' && !spec.clusterIPs?.length)
    spec.clusterIPs = [spec.clusterIP];
  if (spec.clusterIPs?.length && spec.clusterIP !== spec.clusterIPs[0]) {
    fail(svc, `spec.clusterIP (${spec.clusterIP}) must equal spec.clusterIPs[0] (${spec.clusterIPs[0]})`);
  }
}

/**
 * initIPFamilyFields: ipFamilyPolicy defaults to SingleStack, except headless selector-less
 * Services, which default to RequireDualStack and list both families even on a single-stack
 * cluster. Families come from given ClusterIPs, then the cluster's default (first) family; a
 * dual-stack policy on a dual-stack cluster adds the other one.
 */
function ipFamilies(svc: RawService, net: Network): void {
  const spec = svc.spec!;
  const headlessSelectorless = isHeadless(svc) && !hasSelector(svc);
  spec.ipFamilyPolicy ??= headlessSelectorless ? 'RequireDualStack' : 'SingleStack';
  const families = [...(spec.ipFamilies ?? [])];
  (spec.clusterIPs ?? []).forEach((text, i) => {
    const a = parseIP(text);
    if (!a) return;
    if (families[i] === undefined) families[i] = familyName(a.family);
    else if (families[i] !== familyName(a.family)) {
      fail(svc, `spec.clusterIPs[${i}] ${text} does not match spec.ipFamilies[${i}] ${families[i]}`);
    }
  });
  if (spec.ipFamilyPolicy === 'SingleStack' && (families.length > 1 || (spec.clusterIPs?.length ?? 0) > 1)) {
    fail(
      svc,
      'ipFamilyPolicy must be RequireDualStack or PreferDualStack when two families or ClusterIPs are given',
    );
  }
  const other = (f: string) => (f === 'IPv4' ? 'IPv6' : 'IPv4');
  if (headlessSelectorless) {
    if (families.length === 0) families.push(familyName(net.families[0]!));
    if (families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') families.push(other(families[0]!));
    spec.ipFamilies = families;
    return;
  }
  if (spec.ipFamilyPolicy === 'RequireDualStack' && net.families.length < 2) {
    fail(svc, 'ipFamilyPolicy RequireDualStack: this cluster is not configured for dual-stack services');
  }
  families.forEach((f) => {
    if (!net.families.includes(FAMILY[f]!)) fail(svc, `ipFamily ${f} is not configured on this cluster`);
  });
  if (families.length === 0) families.push(familyName(net.families[0]!));
  if (spec.ipFamilyPolicy !== 'SingleStack' && families.length === 1 && net.families.length === 2) {
    families.push(other(families[0]!));
  }
  spec.ipFamilies = families;
}

/**
 * Completes every Service: defaults and IP families first, then every requested ClusterIP is
 * claimed (range and conflicts checked), then the rest are allocated — so a requested address
 * never collides with an allocated one, whatever the manifest order. A Service with a
 * resourceVersion was read back from an API server (whose ranges may differ from the options):
 * its addresses are taken as allocated, not range-checked.
 */
export function completeServices(services: RawService[], net: Network, ips: ServiceIPAllocator): void {
  for (const svc of services) {
    defaultFields(svc);
    if (svc.spec!.type !== 'ExternalName') ipFamilies(svc, net);
  }
  for (const svc of services) {
    const spec = svc.spec!;
    if (spec.type === 'ExternalName' || isHeadless(svc)) continue;
    const live = svc.metadata.resourceVersion !== undefined;
    for (const text of spec.clusterIPs ?? []) {
      if (text === '') continue;
      const problem = ips.claim(parseIP(text)!, `Service ${namespaceOf(svc)}/${nameOf(svc)}`, !live);
      if (problem) fail(svc, problem);
    }
  }
  for (const svc of services) {
    const spec = svc.spec!;
    if (spec.type === 'ExternalName') continue;
    if (isHeadless(svc)) {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      continue;
    }
    const owner = `Service ${namespaceOf(svc)}/${nameOf(svc)}`;
    spec.clusterIPs = spec.ipFamilies!.map((f, i) => {
      const given = spec.clusterIPs?.[i];
      return given ? given : formatIP(ips.allocate(FAMILY[f]!, owner));
    });
    spec.clusterIP = spec.clusterIPs[0];
  }
}
