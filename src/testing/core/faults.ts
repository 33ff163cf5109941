/**
 * Faults a test queues for a path. Each rule fires for the next `times` matching requests
 * (default 1), in the order queued.
 */
export type EmulatorFault =
  /** Answer with this status; 5xx get a proxy-style HTML body unless `body` is given. */
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  /** 429 TooManyRequestsError with `Retry-After` (seconds) and `X-RateLimit-*` headers. */
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  /** Destroy the connection before the request is handled: nothing happened at the server. */
  | { kind: 'drop' }
  /** Handle the request (a write is saved), then destroy the connection instead of answering. */
  | { kind: 'drop-after-write' }
  /** Wait, then handle the request normally. */
  | { kind: 'delay'; ms: number }
  /** Handle the request, then send only the first half of the body and close. */
  | { kind: 'truncate' };

export interface FaultOptions {
  /** Only requests with this HTTP method; default any. */
  method?: string;
  /** How many matching requests the fault applies to; default 1. */
  times?: number;
}

interface FaultRule {
  readonly path: string | RegExp;
  readonly method: string | undefined;
  readonly fault: EmulatorFault;
  remaining: number;
}

export class FaultQueue {
  private rules: FaultRule[] = [];

  add(path: string | RegExp, fault: EmulatorFault, options: FaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new TypeError('fault times must be a positive integer');
    this.rules.push({ path, method: options.method?.toUpperCase(), fault, remaining: times });
  }

  /** Takes the next fault for this request, if any. */
  take(method: string, rawPath: string): EmulatorFault | undefined {
    let decoded = rawPath;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      // keep the raw path
    }
    const rule = this.rules.find(
      (candidate) =>
        (candidate.method === undefined || candidate.method === method) &&
        (typeof candidate.path === 'string'
          ? candidate.path === rawPath || candidate.path === decoded
          : candidate.path.test(rawPath) || candidate.path.test(decoded)),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((candidate) => candidate !== rule);
    return rule.fault;
  }

  clear(): void {
    this.rules = [];
  }
}
