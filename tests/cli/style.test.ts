import { makeStyle, printable } from '../../cli/style';

describe('printable', () => {
  it.each([
    ['escape sequences', 'role\u001b[2J\u001b[31m', 'role?[2J?[31m'],
    ['carriage return', 'ok\rEVIL', 'ok?EVIL'],
    ['right-to-left override', 'user\u202Egnp.exe', 'user?gnp.exe'],
    ['bidi isolates', 'a\u2066b\u2069c', 'a?b?c'],
    ['C1 control', 'x\u009by', 'x?y'],
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
