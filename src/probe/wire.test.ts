/**
 * Transport behaviour of the wire probe against small loopback servers that misbehave on purpose
 * (drop the first try, never answer, answer with the wrong id). What real CoreDNS answers is
 * tested in src/backends/local/.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DnsMessage, Question } from '../dns/message.ts';
import { decodeQuery, encodeResponse } from '../dns/wire.ts';
import { ask, askMany } from './wire.ts';

type Behaviour = (q: Question, seen: number) => 'answer' | 'drop' | 'wrong-id';

function answerFor(q: Question): DnsMessage {
  return {
    rcode: 'NOERROR',
    flags: { aa: true, tc: false, rd: true, ra: false },
    answer: [{ name: q.name, type: 'A', ttl: 5, data: `10.0.0.${q.name.length}` }],
    authority: [],
    additional: [],
  };
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

async function udpServer(behaviour: Behaviour): Promise<{ port: number; seen: Map<string, number> }> {
  const seen = new Map<string, number>();
  const s: Socket = createSocket('udp4');
  s.on('message', (buf, rinfo) => {
    const q = decodeQuery(buf);
    if (!q.question) return;
    const n = (seen.get(q.question.name) ?? 0) + 1;
    seen.set(q.question.name, n);
    const what = behaviour(q.question, n);
    if (what === 'drop') return;
    const id = what === 'wrong-id' ? (q.id + 1) & 0xffff : q.id;
    s.send(encodeResponse({ id, question: q.question }, answerFor(q.question)), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  closers.push(() => s.close());
  return { port: s.address().port, seen };
}

async function tcpServer(behaviour: Behaviour): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const seen = new Map<string, number>();
  const server: TcpServer = createServer((sock) => {
    connections++;
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const frame = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + frame.length);
        const q = decodeQuery(frame);
        if (!q.question) continue;
        const n = (seen.get(q.question.name) ?? 0) + 1;
        seen.set(q.question.name, n);
        if (behaviour(q.question, n) === 'drop') {
          sock.destroy();
          return;
        }
        const reply = encodeResponse({ id: q.id, question: q.question }, answerFor(q.question));
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(reply.length);
        sock.write(Buffer.concat([prefix, reply]));
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, connections: () => connections };
}

const names = (n: number): Question[] =>
  Array.from({ length: n }, (_, i) => ({ name: `q${i}.Example.`, type: 'A' }));

describe('UDP', () => {
  it('answers many questions in order, each with its own reply', async () => {
    const { port } = await udpServer(() => 'answer');
    const qs = names(300);
    const replies = await askMany({ address: '127.0.0.1', port }, qs, { transport: 'udp', concurrency: 32 });
    expect(replies.map((r) => ('message' in r ? r.message.answer[0]?.name : r.error))).toEqual(
      qs.map((q) => q.name),
    );
  });

  it('retries a dropped try, then gives up after the bounded number of tries', async () => {
    const { port, seen } = await udpServer((q, n) =>
      q.name.startsWith('never') || n === 1 ? 'drop' : 'answer',
    );
    const [ok, never] = await askMany(
      { address: '127.0.0.1', port },
      [
        { name: 'once.example.', type: 'A' },
        { name: 'never.example.', type: 'A' },
      ],
      { transport: 'udp', timeoutMs: 150, retries: 2 },
    );
    expect(ok && 'message' in ok).toBe(true);
    expect(never && 'error' in never ? never.error : '').toMatch(/timed out \(3 tries of 150 ms\)/);
    expect(seen.get('never.example.')).toBe(3);
  });

  it('ignores a reply whose id does not match (RFC 5452 9.1), as a stub resolver does', async () => {
    const { port } = await udpServer(() => 'wrong-id');
    await expect(
      ask(
        { address: '127.0.0.1', port },
        { name: 'x.example.', type: 'A' },
        { transport: 'udp', timeoutMs: 100, retries: 0 },
      ),
    ).rejects.toThrow(/no answer from 127.0.0.1:\d+ for x.example. A over udp: timed out/);
  });

  it('stops when the signal aborts', async () => {
    const { port } = await udpServer(() => 'drop');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted')), 50);
    await expect(
      askMany({ address: '127.0.0.1', port }, names(3), {
        transport: 'udp',
        timeoutMs: 100,
        retries: 5,
        signal: controller.signal,
      }),
    ).rejects.toThrow('interrupted');
  });
});

describe('TCP', () => {
  it('reuses a few connections for many questions', async () => {
    const { port, connections } = await tcpServer(() => 'answer');
    const qs = names(40);
    const replies = await askMany({ address: '127.0.0.1', port }, qs, { transport: 'tcp', concurrency: 3 });
    expect(replies.every((r) => 'message' in r)).toBe(true);
    expect(connections()).toBe(3);
  });

  it('reconnects after the server drops the connection, within the retry bound', async () => {
    const { port } = await tcpServer((q, n) => (q.name.startsWith('never') || n === 1 ? 'drop' : 'answer'));
    const [ok, never] = await askMany(
      { address: '127.0.0.1', port },
      [
        { name: 'once.example.', type: 'A' },
        { name: 'never.example.', type: 'A' },
      ],
      { transport: 'tcp', concurrency: 1, retries: 1, timeoutMs: 500 },
    );
    expect(ok && 'message' in ok).toBe(true);
    expect(never && 'error' in never ? never.error : '').toMatch(/closed by the server \(2 tries\)/);
  });

  it('a refused connection is a failure, not a hang', async () => {
    const { port } = await tcpServer(() => 'answer');
    for (const c of closers.splice(0)) c();
    const [r] = await askMany({ address: '127.0.0.1', port }, names(1), { transport: 'tcp', retries: 0 });
    expect(r && 'error' in r ? r.error : '').toMatch(/ECONNREFUSED/);
  });
});
