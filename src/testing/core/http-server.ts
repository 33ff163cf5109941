import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Site } from '../site';
import { inTransaction } from './document-events';
import { errorEnvelope } from './envelope';
import { FrappeException } from './exceptions';
import type { EmulatorFault } from './faults';
import { rateLimited } from './rate-limiter';
import { BodyTooLargeError, buildRequest, readBody } from './request';
import { EmulatorResponse } from './response';
import { dispatch } from './router';

/**
 * The HTTP side of the emulator: reads each request, applies queued faults, dispatches it to the
 * site and writes the answer, logging `{method, path, status}` for every request served.
 */
export class EmulatorHttpServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly delays = new Set<NodeJS.Timeout>();

  constructor(private readonly site: Site) {
    this.server = createServer((message, reply) => {
      this.handle(message, reply).catch((error: unknown) => {
        process.emitWarning(`FrappeEmulator failed to answer: ${String(error)}`);
        message.socket.destroy();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    for (const timer of this.delays) clearTimeout(timer);
    this.delays.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async handle(message: IncomingMessage, reply: ServerResponse): Promise<void> {
    const site = this.site;
    const method = (message.method ?? 'GET').toUpperCase();
    const rawPath = (message.url ?? '/').split('?')[0] ?? '/';
    const log = { method, path: rawPath, status: 0 };
    site.requestLog.push(log);

    let body: Buffer;
    try {
      body = await readBody(message);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      const exception = new FrappeException('RequestEntityTooLarge', { status: 413, thrown: false });
      const tooLarge = EmulatorResponse.json(413, errorEnvelope(site.profile, exception, 'Guest'));
      tooLarge.headers.date = new Date(site.clock.nowMs()).toUTCString();
      this.write(reply, tooLarge, log);
      return;
    }

    const fault = site.faults.take(method, rawPath);
    if (fault?.kind === 'delay') await this.sleep(fault.ms);
    if (fault?.kind === 'drop') {
      message.socket.destroy();
      return;
    }
    const faultResponse = fault ? this.faultResponse(fault) : undefined;
    if (faultResponse) {
      faultResponse.headers.date = new Date(site.clock.nowMs()).toUTCString();
      this.write(reply, faultResponse, log);
      return;
    }

    const request = buildRequest(message, body, site.url);
    // One request, one transaction: webhooks go out only once it succeeded (after commit).
    const response = await inTransaction(
      site,
      () => rateLimited(site, request, () => dispatch(site, request)),
      (answer) => answer.status < 400,
    );
    if (fault?.kind === 'drop-after-write') {
      message.socket.destroy();
      return;
    }
    if (fault?.kind === 'truncate') {
      const full = Buffer.from(response.body);
      response.body = full.subarray(0, Math.floor(full.length / 2));
      this.write(reply, response, log, full.length);
      message.socket.end();
      return;
    }
    this.write(reply, response, log);
  }

  private faultResponse(fault: EmulatorFault): EmulatorResponse | undefined {
    switch (fault.kind) {
      case 'status': {
        const body =
          fault.body ??
          (fault.status >= 500
            ? `<html><head><title>${fault.status} Bad Gateway</title></head><body><center><h1>${fault.status}</h1></center><hr><center>nginx</center></body></html>`
            : '');
        return new EmulatorResponse(fault.status, body, fault.contentType ?? 'text/html');
      }
      case 'rate-limit': {
        const retryAfter = fault.retryAfterSeconds ?? 1;
        const response = EmulatorResponse.json(429, { exc_type: 'TooManyRequestsError' });
        response.headers['retry-after'] = String(retryAfter);
        response.headers['x-ratelimit-limit'] = '60000000';
        response.headers['x-ratelimit-remaining'] = '0';
        response.headers['x-ratelimit-reset'] = String(retryAfter);
        return response;
      }
      default:
        return undefined;
    }
  }

  private write(
    reply: ServerResponse,
    response: EmulatorResponse,
    log: { status: number },
    contentLength?: number,
  ): void {
    log.status = response.status;
    const body = Buffer.from(response.body);
    for (const [name, value] of Object.entries(response.headers)) reply.setHeader(name, value);
    if (response.cookies.length > 0) reply.setHeader('set-cookie', response.cookies);
    reply.setHeader('content-length', String(contentLength ?? body.length));
    reply.statusCode = response.status;
    reply.end(body);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        resolve();
      }, ms);
      this.delays.add(timer);
    });
  }
}
