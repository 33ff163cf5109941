import type { HttpTransport, SendOptions } from '../transport/http-transport';
import type { TransportRequest, TransportResponse } from '../transport/transport';
import type { Observer } from './observer';

/**
 * The transport the token lifecycle sends through (token endpoint, openid_profile, revocation,
 * discovery), each request observed: a CLIENT span (`POST /api/method/{method}`, `frappe.method`
 * naming the endpoint; inside the refresh span when a refresh sends it), the duration metric and
 * a debug `oauth_request` line. No body, header or query is looked at: they carry the secrets.
 *
 * It is the same transport (same engine, same connection pool), with only `send` wrapped: the REST
 * calls keep the unwrapped one, which their own observation (CallObservation) already watches.
 */
export function observeOAuthRequests(transport: HttpTransport, observer: Observer): HttpTransport {
  const observed = Object.create(transport) as HttpTransport;
  observed.send = (request: TransportRequest, options?: SendOptions): Promise<TransportResponse> => {
    const method = (request.method ?? 'GET').toUpperCase();
    const call = observer.oauthRequest(method, request.url);
    return call.run(() => call.send(transport, request, options));
  };
  return observed;
}
