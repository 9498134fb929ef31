import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { onCleanup, runCleanups } from './cleanup.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CHILD = new URL('fixtures/cleanup-child.ts', import.meta.url).pathname;
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the fixture in MODE; `interrupt` sends SIGINT once it is ready. */
async function child(mode: string, interrupt: boolean): Promise<{ dir: string; ended: Ended }> {
  const dir = mkdtempSync(join(tmpdir(), 'dnsc-cleanup-test-'));
  dirs.push(dir);
  // node itself (not the tsx wrapper) so that the signal reaches the process that registered.
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, dir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ended = new Promise<Ended>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (interrupt && out.includes('ready\n')) proc.kill('SIGINT');
  });
  return { dir, ended: await ended };
}

describe('cleanup registry in a process', () => {
  it('SIGINT mid-run with no other listener: cleanups finish, then the process dies of SIGINT', async () => {
    const { dir, ended } = await child('wait', true);
    expect(ended.signal).toBe('SIGINT');
    expect(existsSync(join(dir, 'tmp'))).toBe(false);
    expect(existsSync(join(dir, 'done'))).toBe(true);
  }, 20_000);

  it('SIGINT with the CLI listening: cleanups run and the CLI decides the exit code', async () => {
    const { dir, ended } = await child('cli', true);
    expect(ended.code).toBe(130);
    expect(existsSync(join(dir, 'done'))).toBe(true);
  }, 20_000);

  it('normal end: the loop drains and beforeExit runs the cleanups', async () => {
    const { dir, ended } = await child('return', false);
    expect(ended.code).toBe(0);
    expect(existsSync(join(dir, 'tmp'))).toBe(false);
    expect(existsSync(join(dir, 'done'))).toBe(true);
  }, 20_000);

  it('process.exit(): the synchronous part of each cleanup still runs', async () => {
    const { dir, ended } = await child('exit', false);
    expect(ended.code).toBe(3);
    expect(existsSync(join(dir, 'tmp'))).toBe(false);
  }, 20_000);
});

describe('cleanup registry in this process', () => {
  it('runs each cleanup once, newest first; unregistered ones not at all', async () => {
    const order: string[] = [];
    onCleanup(() => order.push('first'));
    onCleanup(async () => {
      await new Promise((r) => setTimeout(r, 5));
      order.push('second');
    });
    const off = onCleanup(() => order.push('unregistered'));
    off();
    await Promise.all([runCleanups(), runCleanups()]);
    await runCleanups();
    expect(order).toEqual(['second', 'first']);
  });

  it('a failing cleanup does not stop the others', async () => {
    const ran: string[] = [];
    onCleanup(() => ran.push('after'));
    onCleanup(() => {
      throw new Error('boom');
    });
    await runCleanups();
    expect(ran).toEqual(['after']);
  });
});
