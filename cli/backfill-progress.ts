import type { BackfillStats } from '../lib/backfill/items';

/** What a backfill's units are called on its progress line and in its summary. */
export const UNIT_NAMES = { lookup: 'region', s3: 'day prefix', athena: 'query', lake: 'query' } as const;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** 1234567 → "1,234,567": counts on a progress line are read at a glance. */
export const count = (n: number): string => n.toLocaleString('en-US');

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** `[#######.............]`: 20 cells, a full one per 5%. */
export function progressBar(fraction: number, width = 20): string {
  const full = Math.max(0, Math.min(width, Math.floor(fraction * width)));
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

/**
 * The progress line: pages (or objects), records seen, denials found, the rate of records read, and
 * the done fraction with an ETA when the amount of work is known (regions' time spans, day prefixes,
 * a Lake query's result count).
 */
export function backfillProgressText(stats: BackfillStats, objects: boolean, elapsedMs: number, counted: number): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? stats.records / seconds : 0;
  const parts = [
    objects ? `${count(stats.objects)} object(s)` : `${count(stats.pages)} page(s)`,
    `${count(stats.records)} record(s)`,
    `${count(stats.denials)} denial(s)`,
    `${count(counted)} processed`,
    `${rate.toFixed(0)} rec/s`,
  ];
  const fraction = stats.fraction();
  if (fraction !== null) {
    const eta = fraction > 0 ? formatDuration(((1 - fraction) / fraction) * seconds) : '?';
    parts.push(`${progressBar(fraction)} ${Math.floor(fraction * 100)}% ETA ${eta}`);
  }
  if (stats.retries > 0) parts.push(`${count(stats.retries)} retried`);
  return parts.join('  ');
}

/** One line on a terminal's standard error, redrawn at most four times a second; nothing when it is not a terminal. */
export class BackfillProgressLine {
  private shown = false;
  private last = -Infinity;
  constructor(
    private readonly stream: { write(chunk: string): unknown; isTTY?: boolean },
    private readonly tick: () => number,
    private readonly started = tick(),
  ) {}

  update(text: () => string): void {
    if (!this.stream.isTTY) return;
    const now = this.tick();
    if (now - this.last < 250) return;
    this.last = now;
    this.stream.write(`\r\x1b[2K${text()}`);
    this.shown = true;
  }

  elapsed(): number {
    return this.tick() - this.started;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
