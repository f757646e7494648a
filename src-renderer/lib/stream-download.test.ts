import { describe, expect, it } from 'vitest';
import { countLines, fileNameOf } from './stream-download.ts';

describe('streamed download helpers', () => {
  it('counts CRLF-terminated lines in a chunk', () => {
    expect(countLines(new TextEncoder().encode('a,b\r\n1,2\r\n3,'))).toBe(2);
    expect(countLines(new Uint8Array())).toBe(0);
  });

  it('takes the file name from Content-Disposition, else the fallback', () => {
    expect(fileNameOf('attachment; filename="transactions-2026-01-01.xlsx"', 'x')).toBe('transactions-2026-01-01.xlsx');
    expect(fileNameOf(null, 'fallback.csv')).toBe('fallback.csv');
  });
});
