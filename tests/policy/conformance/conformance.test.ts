/**
 * Runs the IAM conformance table (cases.ts) through the offline evaluator. This is the only file
 * of the suite that imports the evaluator.
 *
 * A case with `knownGap` runs with `it.failing`: it passes while the evaluator still disagrees
 * with IAM and fails once the gap is closed, as a reminder to remove the flag.
 */
import { evaluate } from '../../../lib/policy/iam/evaluator';
import { AREAS, CASES, type ConformanceCase } from './cases';

function decide(c: ConformanceCase) {
  return evaluate(c.policies, c.request).decision;
}

const title = (c: ConformanceCase) => (c.knownGap ? `${c.name} [known gap: ${c.knownGap}]` : c.name);

describe('IAM conformance table', () => {
  it('holds unique case names, each under a known area and a User Guide page', () => {
    const names = CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of CASES) {
      expect(AREAS).toContain(c.area);
      expect(c.page.path).toMatch(/^\/IAM\/latest\/UserGuide\/[a-z_-]+\.html$/i);
      expect(c.page.title.length).toBeGreaterThan(0);
    }
  });

  it('marks every ambiguous case and only sets knownGap with a reason', () => {
    for (const c of CASES) {
      if (c.knownGap !== undefined) expect(c.knownGap.trim()).not.toBe('');
      if (/^ambiguous:/.test(c.name)) expect(c.name).toMatch(/conservative/);
    }
  });
});

const areas = AREAS.filter((area) => CASES.some((c) => c.area === area));

describe.each(areas)('IAM conformance: %s', (area) => {
  const rows = CASES.filter((c) => c.area === area).map((c) => ({ ...c, title: title(c) }));
  const conforming = rows.filter((c) => c.knownGap === undefined);
  const gaps = rows.filter((c) => c.knownGap !== undefined);

  if (conforming.length > 0) {
    it.each(conforming)('$title', (c) => {
      expect(decide(c)).toBe(c.expected);
    });
  }

  if (gaps.length > 0) {
    it.failing.each(gaps)('$title', (c) => {
      expect(decide(c)).toBe(c.expected);
    });
  }
});
