/**
 * Layout measurements run inside the page. They are JavaScript source, not TypeScript functions: the
 * project compiles without the DOM's types, and page.evaluate sends source text to the browser anyway.
 */
import type { Page } from 'playwright-core';

/** A line break inside a table cell: the text just before it and just after, and whether it is allowed. */
export interface LineBreak {
  cell: string;
  before: string;
  after: string;
  allowed: boolean;
}

/**
 * Finds every line break inside every table cell from the characters' layout boxes (one Range per
 * character: a character whose box starts below the previous one's middle starts a new line). A break
 * is allowed after whitespace, `:` or `/`, or before whitespace; anything else cut a word in two.
 */
const FIND_BREAKS = `(() => {
  const breaks = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let previous = null;
    // Characters since the previous one with a box: a space at the end of a line may have none.
    let unboxed = '';
    let seen = '';
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.data;
      for (let i = 0; i < text.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = [...range.getClientRects()].find((r) => r.width > 0 || r.height > 0);
        const ch = text[i];
        if (box && previous && box.top > previous.box.top + previous.box.height / 2) {
          const allowed = /[\\s:/]/.test(previous.ch) || /\\s/.test(unboxed) || /\\s/.test(ch);
          breaks.push({ cell: cell.textContent.slice(0, 120), before: seen.slice(-20), after: text.slice(i, i + 20), allowed });
        }
        seen += ch;
        if (box) {
          previous = { box, ch };
          unboxed = '';
        } else unboxed += ch;
      }
    }
  }
  return breaks;
})()`;

/** The line breaks that cut a word (with `reportAllowed`, every line break, each marked). */
export async function breakViolations(page: Page, options: { reportAllowed?: boolean } = {}): Promise<LineBreak[]> {
  const breaks = (await page.evaluate(FIND_BREAKS)) as LineBreak[];
  return options.reportAllowed ? breaks : breaks.filter((b) => !b.allowed);
}

/** One drawn bar: its chart, key and value (from its data attributes), its size and the size it would have at 100%. */
export interface BarMeasure {
  chart: string;
  key: string;
  value: number;
  /** Height of a day's column, width of a horizontal bar, in CSS pixels. */
  size: number;
  /** The same for the full box it grows in (the plot's height, the track's width). */
  full: number;
}

const MEASURE_BARS = `(() => [...document.querySelectorAll('figure[data-chart] .bar')].map((bar) => {
  const chart = bar.closest('figure').dataset.chart;
  const vertical = chart === 'daily';
  const box = bar.getBoundingClientRect();
  const full = bar.parentElement.getBoundingClientRect();
  // The daily plot has a bottom border; its content box is what the bar's percentage height is of.
  const border = vertical ? parseFloat(getComputedStyle(bar.parentElement).borderBottomWidth) : 0;
  return {
    chart,
    key: bar.dataset.key,
    value: Number(bar.dataset.value),
    size: vertical ? box.height : box.width,
    full: vertical ? full.height - border : full.width,
  };
}))()`;

export async function measureBars(page: Page): Promise<BarMeasure[]> {
  return (await page.evaluate(MEASURE_BARS)) as BarMeasure[];
}
