/** `kubectl` for what the REST client does not do: exec into probe pods. Bounded and interruptible. */
import { execa } from 'execa';
import { EnvironmentError } from '../../errors.ts';
import type { KubeTarget } from './client.ts';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export class Kubectl {
  constructor(
    private readonly target: KubeTarget,
    private readonly signal: AbortSignal,
    private readonly binary = 'kubectl',
  ) {}

  private base(): string[] {
    const args: string[] = [];
    if (this.target.kubeconfig) args.push('--kubeconfig', this.target.kubeconfig);
    if (this.target.context) args.push('--context', this.target.context);
    return args;
  }

  async run(args: string[], options: { input?: string | Buffer; timeoutMs: number }): Promise<CommandResult> {
    this.signal.throwIfAborted();
    const r = await execa(this.binary, [...this.base(), ...args], {
      reject: false,
      input: options.input,
      timeout: options.timeoutMs,
      cancelSignal: this.signal,
      stripFinalNewline: false,
    });
    if (r.isCanceled) throw this.signal.reason;
    if (r.code === 'ENOENT') {
      throw new EnvironmentError(
        'kubectl not found: install kubectl (https://kubernetes.io/docs/tasks/tools/) and put it on PATH',
      );
    }
    if (r.timedOut) {
      return {
        stdout: String(r.stdout ?? ''),
        stderr: `kubectl timed out after ${options.timeoutMs} ms`,
        exitCode: 124,
      };
    }
    return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? 1 };
  }

  /** Runs a shell script (read from stdin, so its length is not limited by the exec URL) in a container. */
  exec(
    namespace: string,
    pod: string,
    container: string,
    script: string,
    timeoutMs: number,
  ): Promise<CommandResult> {
    return this.run(['exec', '-i', '-n', namespace, pod, '-c', container, '--', 'sh', '-s'], {
      input: script,
      timeoutMs,
    });
  }
}
