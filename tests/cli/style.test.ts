import { makeStyle, printable, printableLine } from '../../cli/style';
import { renderIncidentTable } from '../../cli/render-incidents';
import type { Incident } from '../../lib/incidents/types';
import { forDisplay } from '../../lib/display/sanitise';

describe('printable', () => {
  it.each([
    ['escape sequences, removed whole', 'role\u001b[2J\u001b[31m', 'role'],
    ['an OSC window title', 'a\u001b]0;pwned\u0007b\u001b]2;x\u001b\\c', 'abc'],
    ['carriage return, a line break in a block', 'ok\rEVIL', 'ok\nEVIL'],
    ['right-to-left override', 'user\u202Egnp.exe', 'usergnp.exe'],
    ['bidi isolates', 'a\u2066b\u2069c', 'abc'],
    ['a C1 CSI sequence', 'x\u009b2Jy', 'xy'],
    ['an access key ID', 'session AKIAIOSFODNN7EXAMPLE', 'session AKIA\u2026MPLE'],
  ])('neutralises %s', (_name, input, expected) => {
    expect(printable(input)).toBe(expected);
  });

  it('keeps ordinary unicode and line breaks', () => {
    expect(printable('café ✓ ロール\nnext')).toBe('café ✓ ロール\nnext');
  });
});

describe('makeStyle', () => {
  it('adds ANSI codes only when colour is on', () => {
    expect(makeStyle(false).red('x')).toBe('x');
    expect(makeStyle(true).red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});

describe('printableLine', () => {
  it('keeps a hostile name on its row', () => {
    expect(printableLine('role\nFAKE ROW\r\u2028x')).toBe('role FAKE ROW x');
  });

  it('is what the incident table uses, so a line break in a role name cannot add a row', () => {
    const incident = {
      fingerprint: '0123456789abcdef',
      status: 'open',
      count: 1,
      firstSeen: '2026-11-20T00:00:00.000Z',
      lastSeen: '2026-11-20T00:00:00.000Z',
      accounts: [],
      regions: [],
      sessions: [],
      principal: { type: 'AssumedRole', arn: null, accountId: null, managedBy: 'iam', roleName: 'evil\nffffffffffffffff open 999' },
      action: 'bedrock:InvokeModel',
      reason: { layer: 'identity', explicit: false, summary: 's' },
      eventSource: 'bedrock.amazonaws.com',
      callRegion: 'us-east-1',
      deniedRegion: 'us-east-1',
      resource: null,
      latest: {} as Incident['latest'],
      alert: { alertsSent: 0 },
    } as Incident;
    expect(
      renderIncidentTable([forDisplay(incident)], makeStyle(false))
        .trimEnd()
        .split('\n'),
    ).toHaveLength(2);
  });
});
