import { describe, expect, it } from 'vitest';
import { routeOf } from '../../src/observability/route-template';

describe('route templates', () => {
  it.each([
    ['/api/resource/Customer', '/api/resource/{doctype}', 'Customer', undefined],
    ['/api/resource/Sales%20Invoice/SINV-0001', '/api/resource/{doctype}/{name}', 'Sales Invoice', undefined],
    ['/api/v1/resource/Item/SKU001', '/api/v1/resource/{doctype}/{name}', 'Item', undefined],
    ['/api/method/frappe.client.get_count', '/api/method/{method}', undefined, 'frappe.client.get_count'],
    ['/api/v2/document/Customer', '/api/v2/document/{doctype}', 'Customer', undefined],
    ['/api/v2/document/Customer/Jane%20Doe', '/api/v2/document/{doctype}/{name}', 'Customer', undefined],
    [
      '/api/v2/document/Sales%20Order/SO-1/method/submit',
      '/api/v2/document/{doctype}/{name}/method/{method}',
      'Sales Order',
      'submit',
    ],
    [
      '/api/v2/document/Customer/bulk_delete',
      '/api/v2/document/{doctype}/bulk_delete',
      'Customer',
      undefined,
    ],
    ['/api/v2/method/ping', '/api/v2/method/{method}', undefined, 'ping'],
    ['/api/v2/method/Customer/get_stats', '/api/v2/method/{doctype}/{method}', 'Customer', 'get_stats'],
    ['/api/v2/doctype/Customer/count', '/api/v2/doctype/{doctype}/count', 'Customer', undefined],
    ['/files/invoice-4711.pdf', '/files/{file}', undefined, undefined],
    ['/private/files/payroll.csv', '/private/files/{file}', undefined, undefined],
  ])('%s → %s', (path, route, doctype, method) => {
    const info = routeOf(path);
    expect(info.route).toBe(route);
    expect(info.doctype).toBe(doctype);
    expect(info.method).toBe(method);
  });

  it('keeps no query value and no document name in the template, and the path without its query', () => {
    const info = routeOf('/api/resource/Customer/Jane%20Doe?fields=["secret_field"]&token=abcd1234');
    expect(info.route).toBe('/api/resource/{doctype}/{name}');
    expect(info.path).toBe('/api/resource/Customer/Jane%20Doe');
    expect(JSON.stringify(info)).not.toMatch(/secret_field|abcd1234|token=/);
  });

  it('reads absolute URLs and removes the site path prefix', () => {
    expect(routeOf('https://erp.example.com/erp/api/resource/Customer/X?a=1', '/erp').route).toBe(
      '/api/resource/{doctype}/{name}',
    );
    expect(routeOf('/erp/api/method/ping', '/erp/').route).toBe('/api/method/{method}');
  });

  it('keeps nothing of a path it does not know, nor a method name that is not code', () => {
    expect(routeOf('/app/customer/Jane Doe').route).toBe('/{path}');
    expect(routeOf('/api/resource/Customer/a/b/c').route).toBe('/api/{path}');
    expect(routeOf('/api/v2/anything/else').route).toBe('/api/v2/{path}');
    const odd = routeOf('/api/method/not a method!');
    expect(odd.route).toBe('/api/method/{method}');
    expect(odd.method).toBeUndefined();
  });
});
