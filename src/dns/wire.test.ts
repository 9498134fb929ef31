/**
 * Presentation format checked against dig itself (BIND 9, the format the contracts name): a reply
 * built from the records is served over loopback, dig prints it, and the decoder must print the
 * same. Expected strings are dig's output, not ours.
 */
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsMessage, ResourceRecord } from './message.ts';
import { decodeMessage, decodeQuery, encodeQuery, encodeResponse, formatIPv6, typeNumber } from './wire.ts';

const exec = promisify(execFile);

let server: Socket;
let port = 0;
let reply: DnsMessage;

beforeAll(async () => {
  server = createSocket('udp4');
  server.on('message', (buf, rinfo) => {
    const q = decodeQuery(buf);
    if (!q.question) return;
    server.send(
      encodeResponse({ id: q.id, question: q.question, ...(q.edns ? { edns: q.edns } : {}) }, reply),
      rinfo.port,
      rinfo.address,
    );
  });
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  port = server.address().port;
});
afterAll(() => server.close());

function message(answer: ResourceRecord[]): DnsMessage {
  return {
    rcode: 'NOERROR',
    flags: { aa: true, tc: false, rd: true, ra: false },
    answer,
    authority: [],
    additional: [],
  };
}

/** The answer section as dig prints it: `name ttl type data`. */
async function digAnswer(name: string, type: string): Promise<string[]> {
  const { stdout } = await exec('dig', [
    '+noall',
    '+answer',
    '+tries=1',
    '+time=2',
    '-p',
    String(port),
    '@127.0.0.1',
    name,
    type,
  ]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [owner, ttl, , t, ...rest] = l.split(/\s+/);
      return `${owner} ${ttl} ${t} ${l.split(/\t/).slice(4).join('\t') || rest.join(' ')}`;
    });
}

/** What our decoder makes of the same reply, asked over UDP with our own query. */
async function ourAnswer(name: string, type: string): Promise<string[]> {
  const sock = createSocket('udp4');
  const got = new Promise<Buffer>((r) => sock.once('message', r));
  sock.send(encodeQuery({ name, type }, { id: 7 }), port, '127.0.0.1');
  const buf = await got;
  sock.close();
  return decodeMessage(buf).message.answer.map((r) => `${r.name} ${r.ttl} ${r.type} ${r.data}`);
}

const CASES: { what: string; type: string; data: string[] }[] = [
  { what: 'A', type: 'A', data: ['10.96.0.10'] },
  {
    what: 'AAAA compressed at the longest zero run',
    type: 'AAAA',
    data: ['1:0:0:2:0:0:0:3', '2001:db8:0:0:1:0:0:1', 'fd00:10:96::a'],
  },
  { what: 'AAAA IPv4-mapped and all-zero', type: 'AAAA', data: ['::ffff:1.2.3.4', '::', '::1'] },
  {
    what: 'SOA with an escaped dot in the mailbox',
    type: 'SOA',
    data: ['ns.dns.cluster.local. host\\.master.cluster.local. 1700000000 7200 1800 86400 30'],
  },
  { what: 'SRV', type: 'SRV', data: ['0 100 80 web-0.web.default.svc.cluster.local.', '10 33 53 .'] },
  { what: 'MX', type: 'MX', data: ['10 mail.example.org.'] },
  {
    what: 'TXT with quotes, backslash, control bytes and several strings',
    type: 'TXT',
    data: ['"1.1.0"', '"a \\"quoted\\" \\\\ word" "second"', '"tab\\009end" ""'],
  },
  { what: 'CNAME keeps letter case', type: 'CNAME', data: ['Target.Example.ORG.'] },
  { what: 'PTR', type: 'PTR', data: ['web.default.svc.cluster.local.'] },
  { what: 'NS', type: 'NS', data: ['ns.dns.cluster.local.'] },
  { what: 'CAA', type: 'CAA', data: ['0 issue "letsencrypt.org"'] },
  { what: 'HINFO', type: 'HINFO', data: ['"PC" "Linux"'] },
  { what: 'unknown type in RFC 3597 form', type: 'TYPE65534', data: ['\\# 4 0A000001', '\\# 0'] },
];

describe('decodeMessage prints what dig prints', () => {
  for (const c of CASES) {
    it(c.what, async () => {
      const name = 'Mixed.Case.example.';
      reply = message(c.data.map((data) => ({ name, type: c.type, ttl: 30, data })));
      const dig = await digAnswer(name, c.type);
      expect(dig).toHaveLength(c.data.length);
      expect(await ourAnswer(name, c.type)).toEqual(dig);
    });
  }
});

describe('header and EDNS', () => {
  it('rcode, flags and SOA authority survive; no OPT unless asked', () => {
    const msg: DnsMessage = {
      rcode: 'NXDOMAIN',
      flags: { aa: true, tc: false, rd: true, ra: false },
      answer: [],
      authority: [
        {
          name: 'cluster.local.',
          type: 'SOA',
          ttl: 30,
          data: 'ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30',
        },
      ],
      additional: [],
    };
    const w = decodeMessage(
      encodeResponse({ id: 9, question: { name: 'nope.default.svc.cluster.local.', type: 'A' } }, msg),
    );
    expect(w.message).toEqual(msg);
    expect(w.id).toBe(9);
    expect(w.edns).toBeUndefined();
    // RFC 1035 4.1.1: QR(15) AA(10) RD(8), RCODE 3.
    expect(w.rawFlags & 0x7fff).toBe((1 << 10) | (1 << 8) | 3);
  });

  it('queries carry no OPT record unless EDNS is asked for', () => {
    expect(decodeQuery(encodeQuery({ name: 'a.', type: 'A' }, { id: 1 })).edns).toBeUndefined();
    expect(
      decodeQuery(encodeQuery({ name: 'a.', type: 'A' }, { id: 1, edns: { udpSize: 1232, do: true } })).edns,
    ).toEqual({ udpSize: 1232, do: true });
  });

  it('BADVERS (16) is carried in the OPT extended rcode (RFC 6891 6.1.3)', () => {
    const msg: DnsMessage = {
      rcode: 'BADVERS',
      flags: { aa: false, tc: false, rd: true, ra: false },
      answer: [],
      authority: [],
      additional: [],
    };
    const w = decodeMessage(
      encodeResponse({ id: 1, question: { name: 'a.', type: 'A' }, edns: { udpSize: 512 } }, msg),
    );
    expect(w.message.rcode).toBe('BADVERS');
    expect(w.rawFlags & 0xf).toBe(0);
  });
});

describe('formatIPv6 (inet_ntop, RFC 5952 4.2)', () => {
  const bytes = (...words: number[]) => Uint8Array.from(words.flatMap((w) => [w >> 8, w & 0xff]));
  it('compresses the first of two equal zero runs and leaves a single zero word', () => {
    expect(formatIPv6(bytes(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1))).toBe('2001:db8::1:0:0:1');
    expect(formatIPv6(bytes(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1))).toBe('2001:db8:0:1:1:1:1:1');
  });
});

describe('record type numbers', () => {
  // IANA: SVCB 64, HTTPS 65 (RFC 9460), URI 256 (RFC 7553); dns-packet has no names for them.
  it('encodes HTTPS as type 65 and reads it back by name', () => {
    const wire = encodeQuery({ name: 'example.com.', type: 'HTTPS' }, { id: 7 });
    expect(wire.readUInt16BE(wire.length - 4)).toBe(65);
    expect(decodeQuery(wire).question?.type).toBe('HTTPS');
  });
  it('knows names and TYPEnnn, and nothing else', () => {
    expect(typeNumber('aaaa')).toBe(28);
    expect(typeNumber('TYPE65534')).toBe(65534);
    expect(typeNumber('URI')).toBe(256);
    expect(typeNumber('FOO')).toBeUndefined();
    expect(typeNumber('TYPE70000')).toBeUndefined();
  });
});
