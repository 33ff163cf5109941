import { type DocEventMethod, type DocumentEvent, onDocumentEvents } from '../core/document-events';
import { getMeta } from '../rest/doctypes';
import type { Site } from '../site';
import { type DeliveryRequest, sendOnce, TimeoutError, type WebhookAttempt } from './webhook-delivery';
import { type WebhookDataField, webhookPayload } from './webhook-payload';

/** A Webhook as the emulator holds it (the fields of Frappe's `Webhook` DocType it acts on). */
export interface EmulatorWebhookOptions {
  /** `request_url`: where to send, `http://` or `https://`. */
  url: string;
  /** `webhook_doctype`. */
  doctype: string;
  /** `webhook_docevent`. */
  event: DocEventMethod;
  /** `webhook_secret` with `enable_security`: sign each body (`X-Frappe-Webhook-Signature`). */
  secret?: string;
  /**
   * `condition`: Frappe evaluates a Python expression on `doc`; here a function of the document
   * (as it stood when the method ran) stands in for it.
   */
  condition?: (doc: Readonly<Record<string, unknown>>) => boolean;
  /** `request_method`; default POST. */
  method?: 'POST' | 'PUT' | 'DELETE';
  /**
   * `webhook_data`: the fields sent, each under its key. Default: every field of the document,
   * as a Webhook listing them all would send.
   */
  fields?: readonly (WebhookDataField | string)[];
  /** `webhook_json`: Frappe renders a Jinja template; here a function returns the data. */
  json?: (doc: Record<string, unknown>) => unknown;
  /** `webhook_headers`: sent after Frappe's own (a `Content-Type` only if you add it). */
  headers?: Readonly<Record<string, string>>;
  /** `timeout` in seconds; default 5, as `webhook.timeout or 5`. */
  timeoutSeconds?: number;
}

/** The webhook controls of an emulated site (`FrappeEmulator.webhooks`). */
export interface WebhookControl {
  /** Registers an enabled Webhook; returns its name (`HOOK-0001`, …). */
  register(options: EmulatorWebhookOptions): string;
  /** Removes a Webhook (deliveries already queued still go). */
  remove(name: string): void;
  /** Every try so far, oldest first, as Webhook Request Log rows. */
  requestLog(): WebhookAttempt[];
  /** Resolves once every queued delivery has finished, retries included. */
  settled(): Promise<void>;
  /**
   * Scales Frappe's waits after a failed try (1, 4 and 7 seconds): 1 by default, 0 for tests
   * that should not wait, 0.01 for 10/40/70 ms.
   */
  retryDelayScale: number;
}

const DOC_EVENTS: ReadonlySet<string> = new Set<DocEventMethod>([
  'after_insert',
  'on_update',
  'on_submit',
  'on_cancel',
  'on_trash',
  'on_update_after_submit',
  'on_change',
]);

interface Registered extends EmulatorWebhookOptions {
  readonly name: string;
}

/**
 * Frappe's webhooks (`frappe/integrations/doctype/webhook/`): `run_webhooks` picks, for every
 * method a write runs, the Webhooks of the DocType for that event whose condition holds; the
 * picks are queued until the transaction commits, deduplicated per (webhook, document) keeping the
 * last instance, and each is delivered in the background with up to 3 tries.
 */
export class WebhookRegistry implements WebhookControl {
  private readonly hooks = new Map<string, Registered>();
  private readonly log: WebhookAttempt[] = [];
  private queue: Promise<void> = Promise.resolve();
  private counter = 0;
  retryDelayScale = 1;

  constructor(site: Site) {
    onDocumentEvents(site, { afterCommit: (_site, events) => this.afterCommit(events) });
  }

  register(options: EmulatorWebhookOptions): string {
    checkOptions(options);
    this.counter += 1;
    const name = `HOOK-${String(this.counter).padStart(4, '0')}`;
    this.hooks.set(name, { ...options, name });
    return name;
  }

  remove(name: string): void {
    if (!this.hooks.delete(name)) throw new Error(`webhooks.remove: no Webhook ${JSON.stringify(name)}`);
  }

  requestLog(): WebhookAttempt[] {
    return this.log.map((entry) => ({ ...entry, headers: { ...entry.headers } }));
  }

  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.queue;
      await current;
    } while (current !== this.queue);
  }

  private afterCommit(events: readonly DocumentEvent[]): void {
    const picked: Array<{ hook: Registered; event: DocumentEvent }> = [];
    for (const event of events) {
      // `run_webhooks`: on_change does not apply on insert; on_update_after_submit is not in its
      // list (it has before_update_after_submit), so such a Webhook never fires, as on Frappe.
      const eventList = ['on_update', 'after_insert', 'on_submit', 'on_cancel', 'on_trash'];
      if (!event.inInsert) eventList.push('on_change', 'before_update_after_submit');
      if (!eventList.includes(event.method)) continue;
      for (const hook of this.hooks.values()) {
        if (hook.doctype !== event.doctype || hook.event !== event.method) continue;
        if (hook.condition && !safeCondition(hook.condition, event.doc)) continue;
        picked.push({ hook, event });
      }
    }
    // flush_webhook_execution_queue: the last instance per (webhook, document), in that order.
    const seen = new Set<string>();
    const unique: typeof picked = [];
    for (const entry of [...picked].reverse()) {
      const key = `${entry.hook.name}\u0000${entry.event.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      unique.push(entry);
    }
    for (const { hook, event } of unique.reverse()) {
      this.queue = this.queue.then(() => this.deliver(hook, event)).catch(() => undefined);
    }
  }

  /** `enqueue_webhook`: 3 tries; after a failure that is not a timeout, sleep 3·i + 1 seconds. */
  private async deliver(hook: Registered, event: DocumentEvent): Promise<void> {
    let payload: ReturnType<typeof webhookPayload>;
    try {
      payload = webhookPayload(event.doc, hook);
    } catch (error) {
      this.log.push({ ...base(hook, event), attempt: 0, headers: {}, data: '', error: String(error) });
      return;
    }
    const request: DeliveryRequest = {
      method: hook.method ?? 'POST',
      url: hook.url,
      body: payload.body,
      headers: payload.headers,
      timeoutSeconds: hook.timeoutSeconds ?? 5,
    };
    for (let i = 0; i < 3; i++) {
      const attempt: WebhookAttempt = {
        ...base(hook, event),
        attempt: i + 1,
        headers: { ...payload.headers },
        data: payload.body,
      };
      this.log.push(attempt);
      try {
        const answer = await sendOnce(request);
        attempt.status = answer.status;
        attempt.response = answer.body;
        // raise_for_status: a 4xx or 5xx is a failure like any other.
        if (answer.status < 400) return;
        attempt.error = `HTTP ${answer.status}`;
      } catch (error) {
        if (error instanceof TimeoutError) {
          attempt.error = 'timeout';
          continue;
        }
        attempt.error = (error as NodeJS.ErrnoException).code ?? String(error);
      }
      attempt.waitedMs = (3 * i + 1) * 1000 * this.retryDelayScale;
      await wait(attempt.waitedMs);
    }
  }
}

function base(hook: Registered, event: DocumentEvent) {
  return { webhook: hook.name, doctype: event.doctype, name: event.name, url: hook.url };
}

/** A condition that throws is false, as a failing `safe_eval` stops that webhook only. */
function safeCondition(
  condition: (doc: Readonly<Record<string, unknown>>) => boolean,
  doc: Readonly<Record<string, unknown>>,
): boolean {
  try {
    return Boolean(condition(structuredClone(doc)));
  } catch {
    return false;
  }
}

function wait(ms: number): Promise<void> {
  if (!(ms > 0)) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function checkOptions(options: EmulatorWebhookOptions): void {
  if (options === null || typeof options !== 'object')
    throw new TypeError('webhooks.register takes an options object');
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TypeError('webhooks.register: url must be an absolute http(s) URL ("Check Request URL")');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('webhooks.register: url must be http:// or https://');
  }
  if (typeof options.doctype !== 'string' || !options.doctype) {
    throw new TypeError('webhooks.register: doctype must be a DocType name');
  }
  if (!DOC_EVENTS.has(options.event)) {
    throw new TypeError(`webhooks.register: event must be one of ${[...DOC_EVENTS].join(', ')}`);
  }
  const meta = getMeta(options.doctype);
  if (!meta)
    throw new TypeError(`webhooks.register: the emulator has no DocType ${JSON.stringify(options.doctype)}`);
  if (!meta.is_submittable && ['on_submit', 'on_cancel', 'on_update_after_submit'].includes(options.event)) {
    throw new TypeError('webhooks.register: DocType must be Submittable for the selected Doc Event');
  }
  if (options.secret !== undefined && (typeof options.secret !== 'string' || options.secret === '')) {
    throw new TypeError('webhooks.register: secret must be a non-empty string ("Invalid Webhook Secret")');
  }
  if (options.condition !== undefined && typeof options.condition !== 'function') {
    throw new TypeError('webhooks.register: condition must be a function of the document');
  }
  if (options.method !== undefined && !['POST', 'PUT', 'DELETE'].includes(options.method)) {
    throw new TypeError('webhooks.register: method must be POST, PUT or DELETE');
  }
  if (
    options.timeoutSeconds !== undefined &&
    !(Number.isFinite(options.timeoutSeconds) && options.timeoutSeconds > 0)
  ) {
    throw new TypeError('webhooks.register: timeoutSeconds must be a positive number');
  }
  const fields = options.fields ?? [];
  const keys = fields.map((field) => (typeof field === 'string' ? field : field.fieldname));
  if (new Set(keys).size !== keys.length) {
    throw new TypeError(
      'webhooks.register: the same field is listed more than once ("Same Field is entered more than once")',
    );
  }
}

const registries = new WeakMap<Site, WebhookRegistry>();

/** The site's webhooks, created on first use. */
export function webhookRegistry(site: Site): WebhookRegistry {
  let registry = registries.get(site);
  if (!registry) {
    registry = new WebhookRegistry(site);
    registries.set(site, registry);
  }
  return registry;
}
