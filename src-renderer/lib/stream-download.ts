// Streams a server download (fetch + ReadableStream) so a long export shows progress and can
// be cancelled (AbortController), without holding the UI: the browser reads chunks as they
// come; the file is saved once complete. Progress comes from the server's X-Total-Rows and,
// for CSV, the line count; an .xlsx is compressed, so its progress is estimated from bytes.
export interface DownloadProgress {
  bytes: number;
  /** Data rows received so far (CSV), or estimated (XLSX). */
  rows: number;
  /** Rows the server announced (X-Total-Rows), or null. */
  total: number | null;
}

export interface StreamedFile {
  blob: Blob;
  fileName: string;
  rows: number;
}

/** Compressed size of one transaction row in the streamed .xlsx, measured on the real export. */
export const XLSX_BYTES_PER_ROW = 80;

/** Counts LF bytes: the CSV export ends every line with CRLF. */
export function countLines(chunk: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) n++;
  return n;
}

export function fileNameOf(disposition: string | null, fallback: string): string {
  const match = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  return match?.[1] ?? fallback;
}

export async function streamDownload(url: string, options: { signal: AbortSignal; csv: boolean; fallbackName: string; onProgress: (p: DownloadProgress) => void }): Promise<StreamedFile> {
  const response = await fetch(url, { signal: options.signal });
  if (!response.ok) {
    const text = await response.text();
    let message = `HTTP ${response.status}`;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // not JSON: keep the status
    }
    throw new Error(message);
  }
  const totalHeader = response.headers.get('X-Total-Rows');
  const total = totalHeader === null ? null : Number(totalHeader);
  const reader = response.body?.getReader();
  if (!reader) throw new Error('The browser cannot stream this download');
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let lines = 0;
  let reported = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.length;
    if (options.csv) lines += countLines(value);
    const now = performance.now();
    if (now - reported > 100) {
      reported = now;
      const rows = options.csv ? Math.max(0, lines - 1) : Math.floor(bytes / XLSX_BYTES_PER_ROW);
      options.onProgress({ bytes, rows: total === null ? rows : Math.min(rows, total), total });
    }
  }
  const rows = options.csv ? Math.max(0, lines - 1) : (total ?? 0);
  options.onProgress({ bytes, rows, total });
  const type = response.headers.get('Content-Type') ?? 'application/octet-stream';
  return { blob: new Blob(chunks as BlobPart[], { type }), fileName: fileNameOf(response.headers.get('Content-Disposition'), options.fallbackName), rows };
}

export function saveBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
