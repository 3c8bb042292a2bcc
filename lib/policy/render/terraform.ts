import type { PolicyDocument, PolicyStatement } from '../../denial/types';
import { asList } from '../iam/document';

/** Terraform string literal: `${` would start an interpolation, and IAM variables are written `&{...}`. */
function hcl(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\$\{(aws:[^}]*|[a-z0-9-]+:[^}]*)\}/gi, '&{$1}')
    // A function, not a replacement string: there `$$` is one `$`, and `${` would stay an interpolation.
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
  return `"${escaped}"`;
}

function list(values: string[]): string {
  return `[${values.map(hcl).join(', ')}]`;
}

/** A Terraform identifier from a policy name. */
export function terraformName(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([^A-Za-z_])/, '_$1');
  return id || 'policy';
}

function principalBlocks(principal: unknown, keyword: 'principals' | 'not_principals', indent: string): string[] {
  if (principal === undefined) return [];
  if (principal === '*') {
    return [`${indent}${keyword} {`, `${indent}  type        = "*"`, `${indent}  identifiers = ["*"]`, `${indent}}`];
  }
  const out: string[] = [];
  for (const [type, ids] of Object.entries(principal as Record<string, string | string[]>)) {
    out.push(`${indent}${keyword} {`, `${indent}  type        = ${hcl(type)}`, `${indent}  identifiers = ${list(asList(ids))}`, `${indent}}`);
  }
  return out;
}

function statementBlock(s: PolicyStatement): string[] {
  const i = '    ';
  const out = ['  statement {'];
  if (s.Sid) out.push(`${i}sid    = ${hcl(s.Sid)}`);
  out.push(`${i}effect = ${hcl(s.Effect)}`);
  if (s.Action !== undefined) out.push(`${i}actions = ${list(asList(s.Action))}`);
  if (s.NotAction !== undefined) out.push(`${i}not_actions = ${list(asList(s.NotAction))}`);
  if (s.Resource !== undefined) out.push(`${i}resources = ${list(asList(s.Resource))}`);
  if (s.NotResource !== undefined) out.push(`${i}not_resources = ${list(asList(s.NotResource))}`);
  out.push(...principalBlocks(s.Principal, 'principals', i), ...principalBlocks(s.NotPrincipal, 'not_principals', i));
  for (const [test, block] of Object.entries(s.Condition ?? {})) {
    for (const [variable, raw] of Object.entries(block)) {
      const values = (Array.isArray(raw) ? raw : [raw]).map(String);
      out.push(`${i}condition {`, `${i}  test     = ${hcl(test)}`, `${i}  variable = ${hcl(variable)}`, `${i}  values   = ${list(values)}`, `${i}}`);
    }
  }
  out.push('  }');
  return out;
}

/** The document as a `data "aws_iam_policy_document"` block with one `statement` per statement. */
export function renderTerraform(name: string, doc: PolicyDocument): string {
  const blocks = doc.Statement.flatMap((s, k) => (k === 0 ? statementBlock(s) : ['', ...statementBlock(s)]));
  return [`data "aws_iam_policy_document" "${terraformName(name)}" {`, ...blocks, '}', ''].join('\n');
}
