import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RestSite, startSite } from './helpers';

let site: RestSite;
beforeAll(async () => {
  site = await startSite('v15');
});
afterAll(() => site.stop());

function upload(fields: Record<string, string>, content: string, fileName = 'hello.txt'): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('file', new Blob([content], { type: 'text/plain' }), fileName);
  return form;
}

describe('upload_file', () => {
  it('stores a public file, returns the File doc and serves the bytes at file_url', async () => {
    const response = await site.call('POST', '/api/method/upload_file', {
      multipart: upload({}, 'hello world'),
    });
    expect(response.status, response.text).toBe(200);
    const file = response.body.message;
    expect(file).toMatchObject({
      doctype: 'File',
      file_name: 'hello.txt',
      file_url: '/files/hello.txt',
      is_private: 0,
      file_size: 11,
      content_hash: createHash('md5').update('hello world').digest('hex'),
      folder: 'Home',
      attached_to_doctype: null,
      attached_to_name: null,
    });
    expect(file.name).toMatch(/^[0-9a-f]{10}$/);
    const download = await fetch(`${site.emulator.url}/files/hello.txt`);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('hello world');
  });

  it('a different file under a taken name gets a unique url', async () => {
    const response = await site.call('POST', '/api/method/upload_file', {
      multipart: upload({}, 'other content'),
    });
    expect(response.body.message.file_url).toMatch(/^\/files\/hello[0-9a-f]{6}\.txt$/);
  });

  it('attaches privately to a document; private files need a permitted session', async () => {
    const response = await site.call('POST', '/api/method/upload_file', {
      as: 'sales',
      multipart: upload(
        { is_private: '1', doctype: 'Customer', docname: 'Jane Doe', folder: 'Home/Attachments' },
        'secret',
        'id card.pdf',
      ),
    });
    expect(response.status, response.text).toBe(200);
    const file = response.body.message;
    expect(file).toMatchObject({
      file_url: '/private/files/id card.pdf',
      is_private: 1,
      attached_to_doctype: 'Customer',
      attached_to_name: 'Jane Doe',
      folder: 'Home/Attachments',
      owner: 'sales@example.com',
    });
    const attached = await site.call('GET', '/api/resource/File', {
      query: { filters: { attached_to_name: 'Jane Doe' }, fields: ['file_url'] },
    });
    expect(attached.body.data).toEqual([{ file_url: '/private/files/id card.pdf' }]);
    const anonymous = await fetch(`${site.emulator.url}/private/files/id%20card.pdf`, {
      headers: { accept: 'application/json' },
    });
    expect(anonymous.status).toBe(403);
    const owner = await site.call('GET', '/private/files/id%20card.pdf', { as: 'sales' });
    expect(owner.text).toBe('secret');
  });

  it('attaching needs write permission on the document; Guests cannot upload', async () => {
    const readOnly = await site.call('POST', '/api/method/upload_file', {
      as: 'sales',
      multipart: upload(
        { doctype: 'Sales Order', docname: `SAL-ORD-${new Date().toISOString().slice(0, 4)}-00001` },
        'x',
      ),
    });
    expect(readOnly.status).toBe(403);
    const missing = await site.call('POST', '/api/method/upload_file', {
      multipart: upload({ doctype: 'Customer', docname: 'Nobody' }, 'x'),
    });
    expect(missing.status).toBe(404);
    const guest = await site.call('POST', '/api/method/upload_file', {
      as: 'guest',
      multipart: upload({}, 'x'),
    });
    expect(guest.status).toBe(403);
    const nothing = await site.call('POST', '/api/method/upload_file', { multipart: new FormData() });
    expect(nothing.status).toBe(417);
  });

  it('a missing file is 404', async () => {
    const response = await fetch(`${site.emulator.url}/files/none.txt`);
    expect(response.status).toBe(404);
  });
});
