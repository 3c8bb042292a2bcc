import { formatCount } from './format';
import { cleanValue, escapeHtml, text } from './html-text';
import { weekday } from './period';
import type { DayCount } from './types';

/** One bar of a horizontal chart: `key` identifies it (and is what tests match), `label` is shown. */
export interface BarDatum {
  key: string;
  label: string;
  value: number;
}

/**
 * A bar's share of the largest value, in percent with two decimals. Charts are HTML boxes sized in
 * percent, not SVG with fixed pixels: they fill the page's width at any size, their text never scales
 * with them, and they print as they show.
 */
export function barPercent(value: number, max: number): number {
  if (max <= 0 || value <= 0) return 0;
  return Math.round((Math.min(value, max) / max) * 10_000) / 100;
}

function maxOf(values: readonly number[]): number {
  return Math.max(0, ...values);
}

/**
 * The full-width chart of denials per day: one column per day, its height the day's share of the
 * busiest day, labelled with the count above and the weekday and date below. Each bar carries its day
 * and count (`data-key`, `data-value`) so that a browser test can compare the drawing with the JSON.
 */
export function dailyChart(daily: readonly DayCount[]): string {
  const max = maxOf(daily.map((d) => d.count));
  const summary = daily.map((d) => `${weekday(d.day)} ${d.day}: ${formatCount(d.count)}`).join(', ');
  const columns = daily.map((d) => {
    const title = `${weekday(d.day)} ${d.day}: ${formatCount(d.count)} denials`;
    return (
      `<div class="col" title=${quoted(title)}><div class="plot">` +
      `<div class="bar" data-key=${quoted(d.day)} data-value="${d.count}" style="height:${barPercent(d.count, max)}%"><span class="v">${formatCount(d.count)}</span></div>` +
      `</div><div class="x">${escapeHtml(weekday(d.day))}<br>${escapeHtml(d.day.slice(5))}</div></div>`
    );
  });
  return `<figure class="chart days" data-chart="daily" role="img" aria-label=${quoted(`Denials per day. ${summary}`)}><div class="cols">${columns.join('')}</div></figure>`;
}

/**
 * A horizontal bar chart: one row per datum with its label, a bar scaled to the largest value and the
 * value. `name` identifies the chart for tests (`data-chart`); labels are untrusted and escaped.
 */
export function horizontalChart(name: string, title: string, data: readonly BarDatum[], unit = ''): string {
  const max = maxOf(data.map((d) => d.value));
  const rows = data.map(
    (d) =>
      `<div class="k">${text(d.label)}</div>` +
      `<div class="track"><div class="bar" data-key=${quoted(d.key)} data-value="${d.value}" style="width:${barPercent(d.value, max)}%"></div></div>` +
      `<div class="n">${formatCount(d.value)}${escapeHtml(unit)}</div>`,
  );
  const summary = data.map((d) => `${cleanValue(d.label, 80)}: ${formatCount(d.value)}`).join(', ');
  return `<figure class="chart hbars" data-chart=${quoted(name)} role="img" aria-label=${quoted(`${title}. ${summary}`)}>${rows.join('')}</figure>`;
}

/** An attribute value in double quotes, escaped (labels may carry attacker-controlled text). */
function quoted(raw: string): string {
  return `"${escapeHtml(raw)}"`;
}
