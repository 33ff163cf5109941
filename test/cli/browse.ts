/**
 * What a signed-in browser does with an authorize URL, over plain HTTP: follows redirects and, on
 * a consent page, clicks Allow (a link, or the POST form with its csrf_token on newer profiles),
 * until an answer that is neither. Resolves that answer's status (the loopback receiver's page).
 */
export async function browse(url: string, cookie: string): Promise<number> {
  let next = url;
  let init: RequestInit = {};
  for (let hop = 0; hop < 8; hop++) {
    const response = await fetch(next, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie },
    });
    init = {};
    const location = response.headers.get('location');
    if (location) {
      next = new URL(location, next).toString();
      continue;
    }
    const page = await response.text();
    const form =
      /<form method="POST" action="([^"]+)" id="allow-form">[\s\S]*?name="csrf_token" value="([^"]*)"/.exec(
        page,
      );
    const link = /<a [^>]*id="allow" href="([^"]+)"/.exec(page);
    if (form) {
      next = new URL(unescapeHtml(form[1] as string), next).toString();
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf_token: unescapeHtml(form[2] as string) }).toString(),
      };
      continue;
    }
    if (link) {
      next = new URL(unescapeHtml(link[1] as string), next).toString();
      continue;
    }
    return response.status;
  }
  throw new Error('too many hops');
}

function unescapeHtml(text: string): string {
  return text
    .replaceAll('&amp;', '&')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
}
