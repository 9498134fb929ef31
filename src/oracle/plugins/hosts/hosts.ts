/**
 * The hosts plugin (reference coredns-kubernetes.md §8.5; CoreDNS plugin/hosts/hosts.go ServeDNS).
 * Answers use the lowercased question name as owner (request.Name()), TTL 3600 unless `ttl`.
 */
import type { ResourceRecord } from '../../../dns/message.ts';
import type { Outcome, PluginModel, Request } from '../../chain.ts';
import { versionAtLeast } from '../../plugincfg.ts';
import { matchZone, reply } from '../../server.ts';
import { addressFromReverse, canonicalIP } from '../ip.ts';
import { type HostsConfig, type HostsMap, parseHostsDirective } from './setup.ts';

const SRC = 'CoreDNS plugin/hosts/hosts.go';

/** hostsfile.go lookupStaticHostLocked: the exact name, else the `*.` wildcard of its parent. */
function lookupIn(names: Map<string, string[]>, wild: Map<string, string[]>, host: string): string[] {
  const exact = names.get(host);
  if (exact) return exact;
  const dot = host.indexOf('.');
  if (dot === -1 || dot === host.length - 1) return [];
  return wild.get(`*.${host.slice(dot + 1)}`) ?? [];
}

/** The file's addresses, then the inline entries' (lookupStaticHostFamily). */
function lookupHost(c: HostsConfig, host: string, family: 4 | 6): string[] {
  const pick = (m: HostsMap) =>
    family === 4 ? lookupIn(m.name4, m.wild4, host) : lookupIn(m.name6, m.wild6, host);
  return [...pick(c.file), ...pick(c.inline)];
}

function lookupAddr(c: HostsConfig, addr: string): string[] {
  const a = canonicalIP(addr);
  if (a === undefined) return [];
  return [...(c.file.addr.get(a) ?? []), ...(c.inline.addr.get(a) ?? [])];
}

function fallsThrough(c: HostsConfig, qname: string): boolean {
  return c.fall !== undefined && matchZone(c.fall, qname) !== undefined;
}

export const hostsPlugin: PluginModel = {
  name: 'hosts',
  setup(directives, block, file, version, env) {
    const c = parseHostsDirective(directives, block, file, version.version, env);
    const v = version.version;
    const rr = (name: string, type: string, data: string): ResourceRecord => ({
      name,
      type,
      ttl: c.ttl,
      data,
    });
    return {
      serve(req: Request, ctx, next): Outcome {
        const qname = req.name.toLowerCase();
        if (matchZone(c.origins, qname) === undefined && req.type !== 'PTR') return next(req);
        if (!c.fileKnown) {
          ctx.explain(`hosts: the content of ${c.path} was not given; it is taken as empty — ${SRC}`);
        }
        let answer: ResourceRecord[] = [];
        switch (req.type) {
          case 'PTR': {
            // PTR needs no zone match; an address not listed always passes on.
            const names = lookupAddr(c, addressFromReverse(qname));
            if (names.length === 0) return next(req);
            answer = names.map((n) => rr(qname, 'PTR', n));
            break;
          }
          case 'A':
            answer = lookupHost(c, qname, 4).map((ip) => rr(qname, 'A', ip));
            break;
          case 'AAAA':
            answer = lookupHost(c, qname, 6).map((ip) => rr(qname, 'AAAA', ip));
            break;
          default: {
            // Other types for a listed name: NOERROR, empty, up to 1.14.4 (otherRecordsExist); 1.14.5
            // and 1.14.6 pass them on with `fallthrough` (commit faeb8ba6, #8193); since 1.14.7 only
            // with fallthrough_unsupported (#8282).
            const passOn = versionAtLeast(v, '1.14.7')
              ? c.fallthroughUnsupported
              : versionAtLeast(v, '1.14.5');
            if (passOn && fallsThrough(c, qname)) {
              ctx.explain(`hosts: ${req.type} is not served by hosts; fallthrough passes it on — ${SRC}`);
              return next(req);
            }
          }
        }
        const listed = lookupHost(c, qname, 4).length > 0 || lookupHost(c, qname, 6).length > 0;
        if (answer.length === 0 && !listed) {
          if (fallsThrough(c, qname)) {
            ctx.explain(`hosts: ${qname} is not listed; fallthrough passes it on — ${SRC}`);
            return next(req);
          }
          ctx.explain(
            `hosts: ${qname} is not listed and there is no fallthrough: SERVFAIL (no SOA to say NXDOMAIN) — ${SRC}`,
          );
          return { written: false, rcode: 'SERVFAIL' };
        }
        ctx.explain(
          answer.length
            ? `hosts: ${qname} ${req.type} from the hosts entries, TTL ${c.ttl} — ${SRC}`
            : `hosts: ${qname} is listed without ${req.type} records: NOERROR, empty, no SOA — ${SRC}`,
        );
        return { written: true, message: reply('NOERROR', true, answer) };
      },
    };
  },
};
