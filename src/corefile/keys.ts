/**
 * Server-block keys → transport, zones, port, as CoreDNS normalises them in
 * core/dnsserver/register.go InspectServerBlocks, plugin/pkg/parse/transport.go Transport and
 * plugin/normalize.go SplitHostPort. CoreDNS is lenient: anything miekg/dns IsDomainName accepts
 * is a zone, so `example.org:abc` serves the zone `example.org:abc.` — we read it the same way.
 */
import { InputError } from '../errors.ts';
import { parseGoCidr, reverseZones } from './reverse.ts';
import type { Position, Scheme, ServerKey } from './types.ts';

// plugin/pkg/transport/transport.go: the default port of each server transport.
const DEFAULT_PORT: Record<Scheme, number> = {
  dns: 53,
  tls: 853,
  quic: 853,
  grpc: 443,
  https: 443,
  https3: 443,
};

// plugin/pkg/parse/transport.go Transport: the prefixes it strips (https3 before https).
const SCHEMES: Scheme[] = ['tls', 'dns', 'quic', 'grpc', 'https3', 'https'];

/** Reads one key; `file`/`pos` place errors. Throws InputError where CoreDNS refuses the key. */
export function parseKey(raw: string, file: string, pos: Position): ServerKey {
  const fail = (message: string): never => {
    throw new InputError(message, { file: pos.file ?? file, line: pos.line, col: pos.col });
  };
  let scheme: Scheme = 'dns';
  let rest = raw;
  const prefixed = SCHEMES.find((s) => raw.startsWith(`${s}://`));
  if (prefixed) {
    scheme = prefixed;
    rest = raw.slice(prefixed.length + 3);
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    // CoreDNS would take `unix://…` or `foo://…` as a zone name; no server ever listens for it.
    fail(
      `server key '${raw}': unknown transport '${raw.slice(0, raw.indexOf(':'))}://' (CoreDNS serves dns://, tls://, quic://, grpc://, https://, https3://)`,
    );
  }

  // SplitHostPort: digits after the last colon are the port (strconv.Atoi, so a sign is allowed).
  let port: number | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && colon === rest.length - 1) fail(`server key '${raw}': expecting data after last colon`);
  if (colon >= 0 && /^[+-]?\d+$/.test(rest.slice(colon + 1))) {
    port = Number(rest.slice(colon + 1));
    rest = rest.slice(0, colon);
    // net.ResolveTCPAddr when the listener is made: "invalid port".
    if (port < 0 || port > 65535) fail(`server key '${raw}': invalid port ${port} (must be 0–65535)`);
  }
  if (rest.length > 255) fail(`server key '${raw}': specified zone is too long: ${rest.length} > 255`);
  const bad = domainNameProblem(rest) ?? domainNameProblem(fqdn(rest));
  if (bad) fail(`server key '${raw}': zone is not a valid domain name (${bad})`);

  let zones: string[];
  const cidr = parseGoCidr(rest);
  if (cidr) {
    if (rest.startsWith(':') || (rest.startsWith('0') && rest.includes(':'))) {
      fail(`server key '${raw}': invalid CIDR ${rest}`);
    }
    zones = reverseZones(cidr);
  } else {
    // plugin/normalize.go Name.Normalize (CoreDNS ≥1.14.x lowercases; `raw` keeps the spelling).
    zones = [fqdn(rest).toLowerCase()];
  }
  return { raw, scheme, zones, port: port ?? DEFAULT_PORT[scheme], pos };
}

function fqdn(s: string): string {
  return s.endsWith('.') ? s : `${s}.`;
}

/** miekg/dns IsDomainName, reduced to what it rejects: empty names, empty labels, long labels/names. */
function domainNameProblem(s: string): string | undefined {
  if (s === '') return 'empty';
  if (s === '.') return undefined;
  if (s.startsWith('.')) return 'leading dot';
  const labels = fqdn(s).slice(0, -1).split('.');
  if (labels.some((l) => l === '')) return 'empty label';
  if (labels.some((l) => l.length > 63)) return 'label longer than 63 characters';
  const wire = labels.reduce((n, l) => n + 1 + l.length, 0);
  if (wire > 256) return 'name longer than 255 octets';
  return undefined;
}
