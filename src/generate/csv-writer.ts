import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";

/** Chunks of about this many bytes go to the stream in one write. */
export const CHUNK_BYTES = 1 << 20;

/**
 * A file written in ~1 MB chunks through a write stream, waiting for 'drain' when the stream's buffer
 * is full: memory stays bounded however fast rows are produced and however slow the disk is.
 */
export class ChunkedFileWriter {
  private readonly stream: WriteStream;
  private failure: Error | null = null;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { highWaterMark: 4 * CHUNK_BYTES });
    // Without a listener an I/O error would crash the process; it is rethrown by the next write or close.
    this.stream.on("error", (error) => {
      this.failure = error;
    });
  }

  /**
   * Writes one chunk (ASCII text or bytes), waiting when the stream asks for backpressure.
   * `written` is called, in order, once the stream is done with the chunk (so its memory may be reused).
   */
  async write(chunk: string | Buffer, written?: () => void): Promise<void> {
    if (this.failure) throw this.failure;
    if (chunk.length === 0) {
      written?.();
      return;
    }
    const accepted =
      typeof chunk === "string"
        ? this.stream.write(chunk, "latin1", written)
        : this.stream.write(chunk, written);
    if (!accepted) await once(this.stream, "drain");
    if (this.failure) throw this.failure;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await once(this.stream, "close");
    if (this.failure) throw this.failure;
  }

  /** Closes the file after a failure elsewhere, ignoring its own errors. */
  destroy(): void {
    this.stream.destroy();
  }
}

/**
 * Money from whole cents, written like Afisha's files (Python's float repr): `17.0`, `75.2`, `0.55`,
 * `0.0` — at most two decimals, at least one.
 */
export function moneyText(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents - whole * 100;
  if (rest === 0) return `${whole}.0`;
  if (rest % 10 === 0) return `${whole}.${rest / 10}`;
  return `${whole}.${rest < 10 ? "0" : ""}${rest}`;
}
