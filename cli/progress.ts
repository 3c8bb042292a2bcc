import type { ReadProgress } from './inputs';

/** What the progress line shows. */
export interface ProgressCounts {
  records: number;
  denials: number;
  incidents: number;
}

/** The wall clock in milliseconds (the io clock is the records' "now", which tests fix). */
export type Ticker = () => number;

const INTERVAL_MS = 250;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The progress line's text: records, denials, incidents, rate, and the ETA when the input's size is known. */
export function progressText(counts: ProgressCounts, read: ReadProgress, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? counts.records / (elapsedMs / 1000) : 0;
  let eta = '';
  if (read.total && read.total > 0 && read.consumed > 0) {
    const fraction = Math.min(1, read.consumed / read.total);
    eta = `  ${Math.floor(fraction * 100)}%  ETA ${duration(((1 - fraction) / fraction) * (elapsedMs / 1000))}`;
  }
  return `${counts.records} record(s), ${counts.denials} denial(s), ${counts.incidents} incident(s) opened  ${rate.toFixed(0)}/s${eta}`;
}

/**
 * One line on a terminal's standard error, redrawn at most four times a second; nothing at all when
 * standard error is not a terminal (a pipe, a file, CI logs). Output lines clear it before they print.
 */
export class ProgressLine {
  private shown = false;
  private last = -Infinity;
  private readonly started: number;
  constructor(
    private readonly stream: { write(chunk: string): unknown; isTTY?: boolean },
    private readonly read: ReadProgress,
    private readonly tick: Ticker,
  ) {
    this.started = tick();
  }
  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }
  /** @param consumed how far into the input the last finished record was (reading runs ahead of processing) */
  update(counts: ProgressCounts, consumed = this.read.consumed): void {
    if (!this.enabled) return;
    const now = this.tick();
    if (now - this.last < INTERVAL_MS) return;
    this.last = now;
    this.stream.write(`\r\x1b[2K${progressText(counts, { consumed, total: this.read.total }, now - this.started)}`);
    this.shown = true;
  }
  /** Removes the line (before other output, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
