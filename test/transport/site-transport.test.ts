import { describe, expect, it } from 'vitest';
import { ClockSkew } from '../../src/transport/clock-skew';
import { createSiteTransport } from '../../src/transport/site-transport';
import { startSite } from '../helpers/frappe-site';

describe.each(['axios', 'undici'] as const)('createSiteTransport with %s', (engine) => {
  it('sends to the site and learns its clock from the Date headers through the skew it returns', async () => {
    const site = await startSite('v15');
    site.advanceClock(120); // the site's clock runs two minutes ahead
    const { transport, clockSkew } = createSiteTransport({
      baseUrl: site.url,
      timeoutMs: 5000,
      userAgent: 'site-transport-test',
      clock: Date.now,
      transport: engine,
    });
    for (let i = 0; i < ClockSkew.AGREEING; i++) {
      expect((await transport.send({ method: 'GET', url: '/api/method/ping' })).status).toBe(200);
    }
    expect(clockSkew.offset).toBeGreaterThan(115_000);
    expect(clockSkew.offset).toBeLessThan(125_000);
  });
});
