/** A text buffer over a stream of chunks, for the streaming input reader (./input-stream.ts). */

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

/** The chunks themselves failed (a file that cannot be read): the caller's problem, passed on as it is. */
export class SourceError {
  constructor(readonly cause: unknown) {}
}

/** A text buffer over the chunks: `buf[pos..]` is what has not been consumed yet. */
export class Reader {
  buf = '';
  pos = 0;
  eof = false;
  line = 1;
  /** Characters since the last line break (0 at a line's start). */
  column = 0;
  consumed = 0;
  readTotal = 0;
  private readonly it: AsyncIterator<string>;
  constructor(
    chunks: AsyncIterable<string>,
    private readonly onConsumed?: (chars: number) => void,
  ) {
    this.it = chunks[Symbol.asyncIterator]();
  }
  /** Absolute offset of buf[0]. */
  get base(): number {
    return this.consumed - this.pos;
  }
  /** Lets the chunks' source go (closes a file) when reading stops early. */
  async close(): Promise<void> {
    await this.it.return?.();
  }
  /** Reads one more chunk (dropping what was consumed); false at the end of the input. */
  async more(): Promise<boolean> {
    if (this.eof) return false;
    let next: IteratorResult<string>;
    try {
      next = await this.it.next();
    } catch (cause) {
      throw new SourceError(cause);
    }
    if (next.done) {
      this.eof = true;
      return false;
    }
    const chunk = typeof next.value === 'string' ? next.value : String(next.value);
    this.buf = this.buf.slice(this.pos) + chunk;
    this.pos = 0;
    this.readTotal += chunk.length;
    return true;
  }
  /** Consumes up to `to` (an index into buf), counting lines. */
  advance(to: number): void {
    for (let i = this.pos; i < to; i++) {
      if (this.buf.charCodeAt(i) === 10) {
        this.line++;
        this.column = 0;
      } else this.column++;
    }
    this.consumed += to - this.pos;
    this.pos = to;
    this.onConsumed?.(this.consumed);
  }
  /** Skips blanks; false when nothing but blanks is left. */
  async skipSpaces(): Promise<boolean> {
    for (;;) {
      let i = this.pos;
      while (i < this.buf.length && isSpace(this.buf.charCodeAt(i))) i++;
      this.advance(i);
      if (this.pos < this.buf.length) return true;
      if (!(await this.more())) return false;
    }
  }
  /** The end of the current line (exclusive, relative to buf), reading on until it is in the buffer or `max` characters are. */
  async lineEnd(max: number): Promise<number> {
    let from = this.pos;
    for (;;) {
      const nl = this.buf.indexOf('\n', from);
      if (nl >= 0) return nl;
      if (this.buf.length - this.pos > max) return -1;
      from = this.buf.length;
      const before = this.pos;
      if (!(await this.more())) return this.buf.length;
      from -= before;
    }
  }
}
