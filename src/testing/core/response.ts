/** A response the emulator sends as it is: status, headers, body. */
export class EmulatorResponse {
  readonly headers: Record<string, string | string[]> = {};
  readonly cookies: string[] = [];

  constructor(
    public status: number,
    public body: string | Buffer = '',
    contentType?: string,
  ) {
    if (contentType) this.headers['content-type'] = contentType;
  }

  static json(status: number, payload: unknown): EmulatorResponse {
    return new EmulatorResponse(status, JSON.stringify(payload), 'application/json');
  }

  static html(status: number, html: string): EmulatorResponse {
    return new EmulatorResponse(status, html, 'text/html; charset=utf-8');
  }

  static redirect(location: string, status = 302): EmulatorResponse {
    const response = new EmulatorResponse(
      status,
      `<a href="${escapeHtml(location)}">Redirecting</a>`,
      'text/html; charset=utf-8',
    );
    response.headers.location = location;
    return response;
  }

  setHeader(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  addCookie(cookie: string): this {
    this.cookies.push(cookie);
    return this;
  }
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
