/**
 * The fake upstream behind `forward` in the local backend: a UDP and TCP DNS server on the harness
 * side (loopback, or the uplink address in network-namespace mode) answering from the scenario's
 * declared records with `answerFromUpstream` — the same function the oracle predicts forwarded
 * answers with. RD is echoed from the query. A UDP reply larger than the client allows (512 bytes,
 * or its EDNS size) is sent empty with TC set, so CoreDNS retries over TCP as with a real server.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import type { DnsMessage, Question, ResourceRecord } from '../../dns/message.ts';
import { decodeQuery, type EdnsOptions, encodeResponse } from '../../dns/wire.ts';
import { answerFromUpstream } from '../../upstream/zone.ts';

/** Tries to find a port free for both UDP and TCP. */
const PORT_ATTEMPTS = 20;

export class FakeUpstream {
  private records: ResourceRecord[] = [];
  private readonly connections = new Set<TcpSocket>();
  /** Questions asked, oldest first (bounded): what CoreDNS forwarded. */
  readonly asked: Question[] = [];

  private constructor(
    private readonly udp: Socket,
    private readonly tcp: Server,
    readonly host: string,
    readonly port: number,
    private readonly log: (line: string) => void,
  ) {
    udp.on('message', (buf, rinfo) => {
      const reply = this.reply(buf, 'udp');
      if (reply) udp.send(reply, rinfo.port, rinfo.address);
    });
    tcp.on('connection', (sock) => this.serveTcp(sock));
  }

  static async start(opts: { host?: string; log?: (line: string) => void } = {}): Promise<FakeUpstream> {
    const host = opts.host ?? '127.0.0.1';
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(0, host, () => resolve());
      });
      const port = udp.address().port;
      const tcp = createServer();
      const listening = await new Promise<boolean>((resolve) => {
        tcp.once('error', () => resolve(false));
        tcp.listen(port, host, () => resolve(true));
      });
      if (listening) return new FakeUpstream(udp, tcp, host, port, opts.log ?? (() => undefined));
      udp.close();
    }
    throw new Error(`no port on ${host} was free for both UDP and TCP after ${PORT_ATTEMPTS} tries`);
  }

  /** `host:port` as `forward` takes it. */
  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  setRecords(records: ResourceRecord[]): void {
    this.records = records;
  }

  private reply(buf: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    let query: { id: number; question: Question | undefined; rd: boolean; edns?: EdnsOptions };
    try {
      query = decodeQuery(buf);
    } catch {
      return undefined; // not a query we can read; CoreDNS will time out and say so
    }
    const question = query.question;
    if (!question) return undefined;
    this.asked.push(question);
    if (this.asked.length > 10_000) this.asked.shift();
    const answer = answerFromUpstream(this.records, question);
    const message: DnsMessage = { ...answer, flags: { ...answer.flags, rd: query.rd } };
    this.log(
      `upstream: ${transport} ${question.name} ${question.type} → ${message.rcode} (${message.answer.length} answers)`,
    );
    const head = { id: query.id, question, ...(query.edns ? { edns: query.edns } : {}) };
    const wire = encodeResponse(head, message);
    const limit = transport === 'tcp' ? 65535 : Math.max(512, query.edns?.udpSize ?? 512);
    if (wire.length <= limit) return wire;
    const truncated: DnsMessage = {
      ...message,
      flags: { ...message.flags, tc: true },
      answer: [],
      authority: [],
      additional: [],
    };
    return encodeResponse(head, truncated);
  }

  private serveTcp(sock: TcpSocket): void {
    let buffer = Buffer.alloc(0);
    this.connections.add(sock);
    sock.on('close', () => this.connections.delete(sock));
    sock.on('error', () => undefined);
    sock.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        const frame = buffer.subarray(2, 2 + buffer.readUInt16BE(0));
        buffer = buffer.subarray(2 + frame.length);
        const reply = this.reply(frame, 'tcp');
        if (!reply) continue;
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(reply.length);
        sock.write(Buffer.concat([prefix, reply]));
      }
    });
  }

  async stop(): Promise<void> {
    this.udp.close();
    for (const sock of this.connections) sock.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }
}
