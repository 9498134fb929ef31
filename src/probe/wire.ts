/**
 * Plain DNS questions to a server over UDP or TCP, many at once: bounded concurrency, a timeout
 * per try and a bounded number of retries. UDP shares one socket per batch and tells replies apart
 * by message id and question (a reply that matches neither is dropped, as a stub resolver does);
 * TCP runs a few connections, one question at a time each (RFC 7766 length-prefixed messages).
 * A truncated UDP reply is returned as it is: the probe reports what CoreDNS sent on that transport.
 */
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6, type Socket as TcpSocket, connect as tcpConnect } from 'node:net';
import type { DnsMessage, Question } from '../dns/message.ts';
import { decodeMessage, type EdnsOptions, encodeQuery, typeNumber, type WireMessage } from '../dns/wire.ts';

export interface Server {
  address: string;
  port: number;
}

export interface AskOptions {
  transport: 'udp' | 'tcp';
  /** Questions in flight at once (UDP default 64, TCP default 4 connections). */
  concurrency?: number;
  /** Per try (default 2000 ms). */
  timeoutMs?: number;
  /** Further tries after a timeout or a broken connection (default 2). */
  retries?: number;
  /** Adds an OPT record; none by default. */
  edns?: EdnsOptions;
  signal?: AbortSignal;
}

export interface WireReply {
  question: Question;
  message: DnsMessage;
  /** Header flag bits as received (opcode, Z, AD, CD and the rcode included). */
  rawFlags: number;
  edns?: WireMessage['edns'];
}

export interface WireFailure {
  question: Question;
  error: string;
}

const DEFAULTS = { timeoutMs: 2000, retries: 2, udpConcurrency: 64, tcpConcurrency: 4 };

/** Types compare by number: `TYPE65` asked comes back as `HTTPS`. */
function sameQuestion(a: Question, b: Question | undefined): boolean {
  return b !== undefined && a.name === b.name && typeNumber(a.type) === typeNumber(b.type);
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** One reply (or failure) per question, in order. Throws only when `signal` aborts. */
export async function askMany(
  server: Server,
  questions: Question[],
  opts: AskOptions,
): Promise<(WireReply | WireFailure)[]> {
  if (questions.length === 0) return [];
  return opts.transport === 'udp' ? askUdp(server, questions, opts) : askTcp(server, questions, opts);
}

/** One question; a failure becomes an Error naming the server, the question and what happened. */
export async function ask(server: Server, question: Question, opts: AskOptions): Promise<WireReply> {
  const [r] = await askMany(server, [question], opts);
  if (!r || 'error' in r) {
    throw new Error(
      `no answer from ${server.address}:${server.port} for ${question.name} ${question.type} over ${opts.transport}: ${r?.error ?? 'nothing sent'}`,
    );
  }
  return r;
}

function toReply(question: Question, w: WireMessage): WireReply {
  return { question, message: w.message, rawFlags: w.rawFlags, ...(w.edns ? { edns: w.edns } : {}) };
}

/** Runs `work(i)` for every index with at most `limit` running at once. */
async function pool(count: number, limit: number, work: (i: number, worker: number) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, count) }, async (_, w) => {
    while (next < count) await work(next++, w);
  });
  await Promise.all(workers);
}

// --- UDP ------------------------------------------------------------------------------------------

async function askUdp(
  server: Server,
  questions: Question[],
  opts: AskOptions,
): Promise<(WireReply | WireFailure)[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const retries = opts.retries ?? DEFAULTS.retries;
  const socket: Socket = createSocket(isIPv6(server.address) ? 'udp6' : 'udp4');
  const pending = new Map<number, { question: Question; resolve: (w: WireMessage) => void }>();
  socket.on('message', (buf) => {
    let w: WireMessage;
    try {
      w = decodeMessage(buf);
    } catch {
      return; // not a reply we can read: the try times out and is retried
    }
    const p = pending.get(w.id);
    if (p && sameQuestion(p.question, w.questions[0])) {
      pending.delete(w.id);
      p.resolve(w);
    }
  });
  const socketError = new Promise<never>((_, reject) => socket.once('error', reject));
  socketError.catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => {
      socket.off('error', reject);
      resolve();
    });
  });

  const freeId = (): number => {
    for (;;) {
      const id = randomInt(0x10000);
      if (!pending.has(id)) return id;
    }
  };

  const once = (question: Question): Promise<WireMessage | undefined> => {
    const id = freeId();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(undefined);
      }, timeoutMs);
      pending.set(id, {
        question,
        resolve: (w) => {
          clearTimeout(timer);
          resolve(w);
        },
      });
      const edns = opts.edns ? { edns: opts.edns } : {};
      socket.send(encodeQuery(question, { id, ...edns }), server.port, server.address, (err) => {
        if (err) {
          clearTimeout(timer);
          pending.delete(id);
          resolve(undefined);
        }
      });
    });
  };

  const results: (WireReply | WireFailure)[] = new Array(questions.length);
  try {
    await Promise.race([
      socketError,
      pool(questions.length, opts.concurrency ?? DEFAULTS.udpConcurrency, async (i) => {
        const question = questions[i] as Question;
        for (let attempt = 0; attempt <= retries; attempt++) {
          if (opts.signal?.aborted) throw abortError(opts.signal);
          const w = await once(question);
          if (w) {
            results[i] = toReply(question, w);
            return;
          }
        }
        results[i] = { question, error: `timed out (${retries + 1} tries of ${timeoutMs} ms)` };
      }),
    ]);
  } finally {
    socket.close();
  }
  return results;
}

// --- TCP ------------------------------------------------------------------------------------------

/** A connection that sends one length-prefixed query at a time and waits for its reply. */
class TcpChannel {
  private socket: TcpSocket | undefined;
  private buffer = Buffer.alloc(0);
  private waiting: ((frame: Buffer | Error) => void) | undefined;

  constructor(private readonly server: Server) {}

  private open(): Promise<TcpSocket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    return new Promise((resolve, reject) => {
      const s = tcpConnect({ host: this.server.address, port: this.server.port });
      this.buffer = Buffer.alloc(0);
      s.setNoDelay(true);
      s.once('connect', () => {
        s.off('error', reject);
        s.on('error', (e) => this.fail(e));
        resolve(s);
      });
      s.once('error', reject);
      s.on('data', (chunk) => this.receive(chunk));
      s.on('close', () => this.fail(new Error('connection closed by the server')));
      this.socket = s;
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (this.buffer.length < 2) return;
    const len = this.buffer.readUInt16BE(0);
    if (this.buffer.length < 2 + len) return;
    const frame = this.buffer.subarray(2, 2 + len);
    this.buffer = this.buffer.subarray(2 + len);
    const w = this.waiting;
    this.waiting = undefined;
    w?.(frame);
  }

  private fail(e: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.(e);
  }

  /** The reply to `query`, or an Error (timeout, refused, closed); the connection is dropped on error. */
  async exchange(query: Buffer, timeoutMs: number): Promise<Buffer | Error> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const socket = await Promise.race([
        this.open(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`connect timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      const reply = new Promise<Buffer | Error>((resolve) => {
        this.waiting = resolve;
        timer = setTimeout(() => this.fail(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length);
      socket.write(Buffer.concat([prefix, query]));
      const r = await reply;
      if (r instanceof Error) this.close();
      return r;
    } catch (e) {
      this.close();
      return e as Error;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}

async function askTcp(
  server: Server,
  questions: Question[],
  opts: AskOptions,
): Promise<(WireReply | WireFailure)[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const retries = opts.retries ?? DEFAULTS.retries;
  const limit = opts.concurrency ?? DEFAULTS.tcpConcurrency;
  const channels = Array.from({ length: Math.min(limit, questions.length) }, () => new TcpChannel(server));
  const results: (WireReply | WireFailure)[] = new Array(questions.length);
  try {
    await pool(questions.length, limit, async (i, worker) => {
      const question = questions[i] as Question;
      const channel = channels[worker] as TcpChannel;
      let last = 'nothing sent';
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (opts.signal?.aborted) throw abortError(opts.signal);
        const id = randomInt(0x10000);
        const edns = opts.edns ? { edns: opts.edns } : {};
        const frame = await channel.exchange(encodeQuery(question, { id, ...edns }), timeoutMs);
        if (frame instanceof Error) {
          last = frame.message;
          continue;
        }
        try {
          const w = decodeMessage(frame);
          if (w.id === id && sameQuestion(question, w.questions[0])) {
            results[i] = toReply(question, w);
            return;
          }
          last = 'reply did not match the question';
        } catch (e) {
          last = `unreadable reply: ${(e as Error).message}`;
        }
        channel.close();
      }
      results[i] = { question, error: `${last} (${retries + 1} tries)` };
    });
  } finally {
    for (const c of channels) c.close();
  }
  return results;
}
