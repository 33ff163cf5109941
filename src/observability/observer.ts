import { SecretSet } from '../redaction/secret-set';
import { CallObservation } from './call-observation';
import { HookBus } from './hook-bus';
import type { RequestEvent, RetryEvent } from './hook-events';
import { createLogSink, type FrappeLogger, type LogLevel, type LogLine } from './log-sink';
import { type OpenTelemetryOptions, Telemetry } from './telemetry';

export interface ObserverOptions {
  logger: FrappeLogger;
  /** Every secret the client holds now: scrubbed from every line, event and attribute text. */
  secrets: () => Iterable<string>;
  openTelemetry?: OpenTelemetryOptions | false;
  /** The site's base URL (its path prefix is not part of a route; its host is `server.address`). */
  baseUrl: string;
}

/**
 * What one client configuration shows of itself: the redacted log lines, the `request` and
 * `retry` hooks, and OpenTelemetry spans and metrics. Every part is built on demand: with no
 * logger level, no listener and no tracer, a call pays for little more than a clock read.
 */
export class Observer {
  readonly log: LogLine;
  readonly requests: HookBus<RequestEvent>;
  readonly retries: HookBus<RetryEvent>;
  readonly telemetry: Telemetry;
  readonly basePath: string;
  readonly serverAddress: string;
  readonly serverPort: number;
  private readonly logger: FrappeLogger;
  private readonly secretSource: () => Iterable<string>;
  private cachedSecrets: { key: string; set: SecretSet } | undefined;

  /** An observer that shows nothing (for parts built without a client, as in unit tests). */
  static silent(): Observer {
    return new Observer({ logger: {}, secrets: () => [], openTelemetry: false, baseUrl: 'http://localhost' });
  }

  constructor(options: ObserverOptions) {
    this.logger = options.logger;
    this.secretSource = options.secrets;
    this.log = createLogSink(options.logger, () => this.secrets());
    this.requests = new HookBus('request', this.log);
    this.retries = new HookBus('retry', this.log);
    this.telemetry = new Telemetry(options.openTelemetry);
    const base = new URL(options.baseUrl);
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.serverAddress = base.hostname;
    this.serverPort = base.port !== '' ? Number(base.port) : base.protocol === 'https:' ? 443 : 80;
  }

  /** Whether the logger writes `level` (a method for it, and not turned off). */
  logs(level: LogLevel): boolean {
    const write = this.logger[level];
    if (typeof write !== 'function') return false;
    const check = (this.logger as { isLevelEnabled?: (level: string) => unknown }).isLevelEnabled;
    if (typeof check !== 'function') return true;
    try {
      return check.call(this.logger, level) !== false;
    } catch {
      return true;
    }
  }

  /** The secrets held now, as one set (rebuilt only when they change). */
  secrets(): SecretSet {
    const current = [...this.secretSource()];
    const key = current.join('\u0000');
    if (this.cachedSecrets?.key !== key) this.cachedSecrets = { key, set: new SecretSet(current) };
    return this.cachedSecrets.set;
  }

  /** Starts watching one REST call (see CallObservation). */
  call(method: string, url: string, tokenKey: string): CallObservation {
    return new CallObservation(this, method, url, tokenKey);
  }

  /** Starts watching one request to an OAuth endpoint (no hooks: see CallObservation). */
  oauthRequest(method: string, url: string): CallObservation {
    return new CallObservation(this, method, url, '', 'oauth');
  }
}
