import { createHmac } from 'node:crypto';
import { pythonJsonDumps } from './python-json';
import { withPythonTypes } from './python-values';

/** The header Frappe signs webhooks in (`WEBHOOK_SECRET_HEADER`). */
export const SIGNATURE_HEADER = 'X-Frappe-Webhook-Signature';

/** A `webhook_data` row: the document field and the key it goes under in the body. */
export interface WebhookDataField {
  fieldname: string;
  /** The key in the body; default the fieldname. */
  key?: string;
}

/** What goes out for one document: the data, the body bytes and the headers Frappe adds. */
export interface WebhookPayload {
  readonly body: string;
  readonly headers: Record<string, string>;
}

export interface PayloadSettings {
  fields?: readonly (WebhookDataField | string)[];
  json?: (doc: Record<string, unknown>) => unknown;
  secret?: string;
  headers?: Readonly<Record<string, string>>;
}

/**
 * `get_webhook_data` and `get_webhook_headers` (`frappe/integrations/doctype/webhook/webhook.py`):
 * the data is `{key: doc.get(fieldname)}` over the `webhook_data` rows, or what the `webhook_json`
 * template renders (here a function of the document); the body is `json.dumps(data, default=str)`;
 * with a secret, `X-Frappe-Webhook-Signature` is base64 HMAC-SHA256 of `json.dumps(data)`, which is
 * the same bytes for the values a document holds. The Webhook's own headers come last and may
 * override any of these; no Content-Type unless they add one (requests sends a str body without).
 */
export function webhookPayload(
  doc: Readonly<Record<string, unknown>>,
  settings: PayloadSettings,
): WebhookPayload {
  const typed = withPythonTypes(doc);
  let data: unknown;
  if (settings.json) {
    data = settings.json(structuredClone(doc) as Record<string, unknown>);
  } else {
    const rows = (settings.fields ?? Object.keys(typed)).map((field) =>
      typeof field === 'string'
        ? { fieldname: field, key: field }
        : { fieldname: field.fieldname, key: field.key ?? field.fieldname },
    );
    data = Object.fromEntries(rows.map((row) => [row.key, typed[row.fieldname] ?? null]));
  }
  const body = pythonJsonDumps(data);
  const headers: Record<string, string> = {};
  if (settings.secret !== undefined) {
    headers[SIGNATURE_HEADER] = createHmac('sha256', Buffer.from(settings.secret, 'utf8'))
      .update(Buffer.from(body, 'utf8'))
      .digest('base64');
  }
  for (const [key, value] of Object.entries(settings.headers ?? {})) if (key && value) headers[key] = value;
  return { body, headers };
}
