import { describe, expect, it } from 'vitest';
import { parseMultipart } from '../../../src/testing/core/multipart';

function body(boundary: string): Buffer {
  return Buffer.from(
    [
      `--${boundary}`,
      'Content-Disposition: form-data; name="is_private"',
      '',
      '1',
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="Note.TXT"',
      'Content-Type: text/plain',
      '',
      'Hello, Frappe',
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

describe('parseMultipart', () => {
  it('reads fields and files, with a boundary in mixed case as axios sends it', () => {
    const boundary = 'axios-1a2B3c4D5e6F';
    const parsed = parseMultipart(body(boundary), `multipart/form-data; boundary=${boundary}`);
    expect(parsed.fields).toEqual({ is_private: '1' });
    expect(parsed.files).toHaveLength(1);
    expect(parsed.files[0]?.fileName).toBe('Note.TXT');
    expect(parsed.files[0]?.data.toString()).toBe('Hello, Frappe');
  });

  it('finds nothing when the boundary does not match, instead of throwing', () => {
    const parsed = parseMultipart(body('RealBoundary'), 'multipart/form-data; boundary=realboundary');
    expect(parsed.files).toEqual([]);
    expect(parsed.fields).toEqual({});
  });
});
