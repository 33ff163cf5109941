import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { FrappeNetworkError, FrappePermissionError } from '../../src';
import { expectNoSecretsLeaked, rejectionOf } from '../helpers/secret-audit';
import { API_VARIANTS, apiOf, otherUser, pathsOf, served, signedIn } from './helpers';

afterAll(() => {
  expectNoSecretsLeaked();
});

describe.each(API_VARIANTS)('uploadFile on $label', (variant) => {
  const UPLOAD = pathsOf(variant).method('upload_file');
  it('uploads a Buffer as a public file and resolves the File document', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const before = site.documentCount('File');
    const file = await client.uploadFile({ file: Buffer.from('hello, frappe\n'), fileName: 'notes.txt' });
    expect(file).toMatchObject({
      doctype: 'File',
      file_name: 'notes.txt',
      file_url: '/files/notes.txt',
      is_private: 0,
      file_size: 14,
      folder: 'Home',
      attached_to_doctype: null,
      owner: 'alice@example.com',
    });
    expect(site.documentCount('File')).toBe(before + 1);
    expect(site.getDocument('File', file.name)?.file_url).toBe('/files/notes.txt');
    const download = await client.request<string>({ url: file.file_url });
    expect(download.data).toBe('hello, frappe\n');
  });

  it('uploads bytes privately, attached to a document, byte for byte', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    const file = await client.uploadFile({
      file: Buffer.from(bytes),
      fileName: 'scan.bin',
      doctype: 'Customer',
      docname: 'Jane Doe',
      isPrivate: true,
    });
    expect(file).toMatchObject({
      file_name: 'scan.bin',
      is_private: 1,
      file_size: 256,
      attached_to_doctype: 'Customer',
      attached_to_name: 'Jane Doe',
      folder: 'Home/Attachments',
      content_hash: createHash('md5').update(bytes).digest('hex'),
    });
    expect(file.file_url).toBe('/private/files/scan.bin');

    // a user who cannot read Customers cannot read the attachment
    const bob = await otherUser(site, 'bob', apiOf(variant));
    const error = await rejectionOf(bob.request({ url: file.file_url }), FrappePermissionError);
    expect(error.status).toBe(403);
    expect(site.getDocument('File', file.name)?.attached_to_name).toBe('Jane Doe');
  });

  it('accepts a string or a Blob, and a folder', async () => {
    const { client } = await signedIn(variant, 'alice');
    const fromString = await client.uploadFile({
      file: 'a,b\n1,2\n',
      fileName: 'table.csv',
      folder: 'Home/Imports',
    });
    expect(fromString).toMatchObject({ file_size: 8, folder: 'Home/Imports', file_type: 'CSV' });
    const fromBlob = await client.uploadFile({
      file: new Blob(['{"ok":true}'], { type: 'application/json' }),
      fileName: 'data.json',
    });
    expect(fromBlob).toMatchObject({ file_name: 'data.json', file_size: 11 });
    const download = await client.request<{ ok: boolean }>({ url: fromBlob.file_url });
    expect(download.data).toEqual({ ok: true });
  });

  it('attaching to a document the user may not write is FrappePermissionError, and no File is made', async () => {
    const { site, client } = await signedIn(variant, 'bob');
    const before = site.documentCount('File');
    const error = await rejectionOf(
      client.uploadFile({
        file: Buffer.from('x'),
        fileName: 'x.txt',
        doctype: 'Customer',
        docname: 'Jane Doe',
      }),
      FrappePermissionError,
    );
    expect(error.status).toBe(403);
    expect(site.documentCount('File')).toBe(before);
  });

  it('an upload is a POST: not repeated after a dropped connection', async () => {
    const { site, client } = await signedIn(variant, 'alice');
    const before = site.documentCount('File');
    site.injectFault(UPLOAD, { kind: 'drop-after-write' });
    await rejectionOf(
      client.uploadFile({ file: Buffer.from('once'), fileName: 'once.txt' }),
      FrappeNetworkError,
    );
    expect(served(site, 'POST', UPLOAD)).toBe(1);
    expect(site.documentCount('File')).toBe(before + 1);
  });
});
