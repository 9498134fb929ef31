/**
 * The k8s_external plugin (reference coredns-kubernetes.md §8.7; CoreDNS plugin/k8s_external/
 * {setup,external,apex,msg_to_dns}.go and plugin/kubernetes/external.go).
 * `k8s_external [ZONE…] { apex APEX; ttl TTL; headless; fallthrough [ZONE…] }` answers
 * `<svc>.<ns>.<zone>` from a Service's externalIPs and LoadBalancer ingress (IP → A/AAAA,
 * hostname → CNAME chased through the server), `_port._proto.<svc>.<ns>.<zone>` SRV, PTR for
 * those addresses, and with `headless` (1.9.4+) a headless Service's ready endpoints.
 */

import type { ClusterIndex, Service } from '../../../cluster/types.ts';
import type { Directive, ServerBlock } from '../../../corefile/types.ts';
import type { Rcode, ResourceRecord } from '../../../dns/message.ts';
import type { ChainContext, Outcome, PluginModel, Request } from '../../chain.ts';
import { versionAtLeast } from '../../plugincfg.ts';
import {
  directiveError,
  isSubDomain,
  matchZone,
  normalizeZoneArg,
  originsFromArgsOrBlock,
  reply,
} from '../../server.ts';
import { addressFromReverse, canonicalIP, parseIP } from '../ip.ts';

const SRC = 'CoreDNS plugin/k8s_external/external.go';

interface Config {
  zones: string[];
  apex: string;
  ttl: number;
  headless: boolean;
  fall: string[] | undefined;
  /** The kubernetes plugin's own `ttl` (default 5): msg.Service TTL of CNAME entries. */
  k8sTTL: number;
}

/** One answer source (msg.Service): an address or hostname, a port, a key naming its SRV target. */
interface Entry {
  host: string;
  port: number;
  /** `<svc>.<ns>` or `<endpoint>.<svc>.<ns>`, below the zone. */
  target: string;
}

function parse(directives: Directive[], block: ServerBlock, file: string, version: string): Config {
  const d = directives.at(-1) as Directive;
  const c: Config = {
    zones: originsFromArgsOrBlock(d.args, block),
    apex: 'dns',
    ttl: 5,
    headless: false,
    fall: undefined,
    k8sTTL: 5,
  };
  for (const o of d.block ?? []) {
    const argErr = () =>
      directiveError(
        file,
        o,
        `plugin/k8s_external: Wrong argument count or unexpected line ending after '${o.name}'`,
      );
    switch (o.name) {
      case 'ttl': {
        const a = o.args[0];
        if (a === undefined) throw argErr();
        if (!/^[+-]?\d+$/.test(a))
          throw directiveError(file, o, `plugin/k8s_external: strconv.Atoi: parsing "${a}": invalid syntax`);
        const t = Number(a);
        if (t < 0 || t > 3600)
          throw directiveError(file, o, `plugin/k8s_external: ttl must be in range [0, 3600]: ${t}`);
        c.ttl = t;
        continue;
      }
      case 'apex':
        if (o.args[0] === undefined) throw argErr();
        c.apex = o.args[0];
        continue;
      case 'headless':
        if (!versionAtLeast(version, '1.9.4')) break;
        c.headless = true;
        continue;
      case 'fallthrough':
        if (!versionAtLeast(version, '1.11.0')) break;
        c.fall = o.args.length ? o.args.flatMap(normalizeZoneArg) : ['.'];
        continue;
    }
    throw directiveError(file, o, `plugin/k8s_external: unknown property '${o.name}'`);
  }
  // OnStartup: the kubernetes plugin of the same block provides the data.
  const k8s = block.directives.find((x) => x.name === 'kubernetes');
  if (!k8s) throw directiveError(file, d, 'plugin/k8s_external: kubernetes plugin not loaded');
  const ttl = k8s.block?.find((x) => x.name === 'ttl')?.args[0];
  if (ttl !== undefined && /^\d+$/.test(ttl)) c.k8sTTL = Number(ttl);
  return c;
}

/** object/service.go: spec.externalIPs, then each LoadBalancer ingress IP, else its hostname. */
function externalAddresses(svc: Service): string[] {
  return [...svc.externalIPs, ...svc.ingress.map((i) => i.ip || i.hostname || '')];
}

function endpointLabel(ip: string, hostname: string | undefined): string {
  if (hostname) return hostname;
  if (ip.includes('.')) return ip.replaceAll('.', '-');
  const s = ip.replaceAll(':', '-');
  return s.endsWith('-') ? `${s}0` : s;
}

const stripUnderscore = (s: string) => (s.startsWith('_') ? s.slice(1) : s);
const eqFold = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** kubernetes/external.go External: the entries for a name, and the rcode when there are none. */
function lookup(c: Config, state: ClusterIndex, labels: string[]): { entries: Entry[]; rcode: Rcode } {
  const segs = [...labels];
  const namespace = segs.pop();
  if (namespace === undefined) return { entries: [], rcode: 'SERVFAIL' };
  if (!state.namespace(namespace)) return { entries: [], rcode: 'NXDOMAIN' };
  const service = segs.pop();
  if (service === undefined) return { entries: [], rcode: 'NOERROR' };
  let endpoint = '';
  let port = '';
  let protocol = '';
  if (segs.length === 1) endpoint = stripUnderscore(segs.pop() as string);
  else if (segs.length === 2) {
    protocol = stripUnderscore(segs.pop() as string);
    port = stripUnderscore(segs.pop() as string);
  }
  if (segs.length !== 0) return { entries: [], rcode: 'NXDOMAIN' };
  const svc = state.service(namespace, service);
  if (!svc || svc.namespace !== namespace || svc.name !== service) return { entries: [], rcode: 'NXDOMAIN' };
  const portOk = (name: string, proto: string) =>
    (port === '' || eqFold(port, name)) && (protocol === '' || eqFold(protocol, proto));
  const entries: Entry[] = [];
  const external = externalAddresses(svc);
  if (c.headless && external.length === 0 && (svc.headless || endpoint !== '')) {
    for (const slice of state.slicesOf(svc.namespace, svc.name)) {
      for (const ep of slice.endpoints) {
        if (ep.conditions.ready === false) continue;
        for (const ip of ep.addresses) {
          const label = endpointLabel(ip, ep.hostname);
          if (endpoint !== '' && !eqFold(endpoint, label)) continue;
          for (const p of slice.ports.length ? slice.ports : [{ name: '', port: -1, protocol: '' }]) {
            if (!portOk(p.name, p.protocol)) continue;
            entries.push({ host: ip, port: p.port, target: `${label}.${svc.name}.${svc.namespace}` });
          }
        }
      }
    }
  } else {
    for (const ip of external) {
      for (const p of svc.ports.length ? svc.ports : [{ name: '', port: -1, protocol: '' }]) {
        if (!portOk(p.name, p.protocol)) continue;
        entries.push({ host: ip, port: p.port, target: `${svc.name}.${svc.namespace}` });
      }
    }
  }
  return { entries, rcode: entries.length ? 'NOERROR' : 'NXDOMAIN' };
}

export const k8sExternalPlugin: PluginModel = {
  name: 'k8s_external',
  setup(directives, block, file, version) {
    const c = parse(directives, block, file, version.version);
    const soa = (zone: string): ResourceRecord => ({
      name: zone,
      type: 'SOA',
      ttl: c.ttl,
      data: `ns1.${c.apex}.${zone} hostmaster.${c.apex}.${zone} 1 7200 1800 86400 ${c.ttl}`,
    });
    const negative = (rcode: Rcode, zone: string): Outcome => ({
      written: true,
      message: reply(rcode, true, [], [soa(zone)]),
    });

    const address = (req: Request, ctx: ChainContext, entries: Entry[], family: 4 | 6): ResourceRecord[] => {
      const out: ResourceRecord[] = [];
      const seen = new Set<string>();
      for (const e of entries) {
        const ip = parseIP(e.host);
        if (!ip) {
          // An ingress hostname: CNAME (kubernetes ttl), then its target looked up through the server.
          out.push({
            name: req.name,
            type: 'CNAME',
            ttl: c.k8sTTL,
            data: e.host.endsWith('.') ? e.host : `${e.host}.`,
          });
          const up = ctx.lookup({
            ...req,
            name: e.host.endsWith('.') ? e.host : `${e.host}.`,
            type: family === 4 ? 'A' : 'AAAA',
          });
          if (up.written) out.push(...up.message.answer);
          continue;
        }
        if (ip.family !== family || seen.has(e.host)) continue;
        seen.add(e.host);
        out.push({
          name: req.name,
          type: family === 4 ? 'A' : 'AAAA',
          ttl: c.ttl,
          data: canonicalIP(e.host) as string,
        });
      }
      return out;
    };

    /** msg_to_dns.go srv: weight 100/n, targets `<key>.<zone>`, address glue in additional. */
    const srv = (req: Request, entries: Entry[], zone: string): [ResourceRecord[], ResourceRecord[]] => {
      const answer: ResourceRecord[] = [];
      const extra: ResourceRecord[] = [];
      const seen = new Set<string>();
      const weight = Math.max(1, Math.floor((100 / (100 * entries.length)) * 100));
      for (const e of entries) {
        if (e.port === -1) continue;
        const ip = parseIP(e.host);
        const target = ip ? `${e.target}.${zone}` : e.host.endsWith('.') ? e.host : `${e.host}.`;
        if (!seen.has(`${target} ${e.port}`)) {
          seen.add(`${target} ${e.port}`);
          answer.push({
            name: req.name,
            type: 'SRV',
            ttl: ip ? c.ttl : c.k8sTTL,
            data: `0 ${weight} ${e.port} ${target}`,
          });
        }
        if (ip && !seen.has(`${target} ${e.host}`)) {
          seen.add(`${target} ${e.host}`);
          extra.push({
            name: target,
            type: ip.family === 4 ? 'A' : 'AAAA',
            ttl: c.ttl,
            data: canonicalIP(e.host) as string,
          });
        }
      }
      return [answer, extra];
    };

    return {
      serve(req, ctx, next): Outcome {
        const name = req.name.toLowerCase();
        const zone = matchZone(c.zones, name);
        if (zone === undefined) return next(req);
        for (const z of c.zones) {
          if (name === z) {
            // apex.go serveApex: SOA and NS of the zone itself.
            ctx.explain(`k8s_external: ${name} is the zone apex — CoreDNS plugin/k8s_external/apex.go`);
            if (req.type === 'SOA') return { written: true, message: reply('NOERROR', true, [soa(zone)]) };
            if (req.type === 'NS') {
              ctx.unmodelled('k8s_external NS glue (the server addresses)');
              return {
                written: true,
                message: reply('NOERROR', true, [
                  { name: zone, type: 'NS', ttl: c.ttl, data: `ns1.${c.apex}.${zone}` },
                ]),
              };
            }
            return negative('NOERROR', zone);
          }
          if (isSubDomain(`${c.apex}.${z}`, name)) {
            // apex.go serveSubApex: only ns1.<apex>.<zone> has (address) records.
            const base = name.slice(0, name.length - z.length - 1).split('.');
            if (base.length === 1) return negative('NOERROR', zone);
            if (base.length === 2 && base[0] === 'ns1') {
              ctx.unmodelled('k8s_external ns1 address (the server addresses)');
              return negative('NOERROR', zone);
            }
            return negative('NXDOMAIN', zone);
          }
        }
        let entries: Entry[] = [];
        let rcode: Rcode;
        const reverse = req.type === 'PTR' ? addressFromReverse(name) : '';
        if (reverse !== '') {
          // kubernetes/external.go ExternalReverse: services with this external address.
          const targets = ctx.state.state.services
            .filter((s) => externalAddresses(s).some((a) => canonicalIP(a) === reverse))
            .map((s) => `${s.name}.${s.namespace}.${c.zones[0]}`);
          const unique = [...new Set(targets)];
          if (unique.length) {
            ctx.explain(`k8s_external: ${reverse} is an external address of ${unique.join(', ')} — ${SRC}`);
            return {
              written: true,
              message: reply(
                'NOERROR',
                true,
                unique.map((t) => ({ name: req.name, type: 'PTR', ttl: c.ttl, data: t })),
              ),
            };
          }
          rcode = 'NXDOMAIN';
        } else {
          const r = lookup(c, ctx.state, name.slice(0, name.length - zone.length - 1).split('.'));
          entries = req.type === 'PTR' ? [] : r.entries;
          rcode = r.rcode;
        }
        if (entries.length === 0) {
          if (rcode === 'NXDOMAIN' && c.fall && matchZone(c.fall, name) !== undefined) return next(req);
          ctx.explain(
            `k8s_external: no external address for ${name} → ${rcode} with the zone's SOA — ${SRC}`,
          );
          return negative(rcode, zone);
        }
        let answer: ResourceRecord[] = [];
        let additional: ResourceRecord[] = [];
        if (req.type === 'A') answer = address(req, ctx, entries, 4);
        else if (req.type === 'AAAA') answer = address(req, ctx, entries, 6);
        else if (req.type === 'SRV') [answer, additional] = srv(req, entries, zone);
        if (answer.length === 0) {
          ctx.explain(`k8s_external: ${name} exists but has no ${req.type} records → NODATA — ${SRC}`);
          return negative('NOERROR', zone);
        }
        ctx.explain(
          `k8s_external: ${name} ${req.type} from the Service's external addresses, TTL ${c.ttl} — ${SRC}`,
        );
        return { written: true, message: reply('NOERROR', true, answer, [], additional) };
      },
    };
  },
};
