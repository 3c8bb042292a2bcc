import type { PolicyDocument } from '../../denial/types';
import { formatPolicy } from '../iam/document';
import { lastPathSegment } from '../../aws/arn';

/** Where a proposed document goes, in the terms of the AWS CLI command that puts it there. */
export type ApplyTarget =
  | { kind: 'role-inline'; roleName: string; policyName: string }
  | { kind: 'user-inline'; userName: string; policyName: string }
  | { kind: 'group-inline'; groupName: string; policyName: string }
  | { kind: 'managed-version'; policyArn: string }
  | { kind: 'new-managed'; policyName: string; policyArn: string; attachTo: { type: 'role' | 'user'; name: string } }
  | { kind: 'new-boundary'; policyName: string; policyArn: string; principal: { type: 'role' | 'user'; name: string } }
  | { kind: 'permission-set'; permissionSetName: string; accountId: string };

function fileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9+=,.@_-]/g, '_')}.json`;
}

function heredoc(file: string, doc: PolicyDocument): string[] {
  return [`cat > ${file} <<'EOF'`, formatPolicy(doc), 'EOF'];
}

function quote(value: string): string {
  return /^[A-Za-z0-9+=,.@_:/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The shell commands that write the document to a file and apply it with the AWS CLI. */
export function renderCli(target: ApplyTarget, doc: PolicyDocument): string {
  switch (target.kind) {
    case 'role-inline': {
      const file = fileName(target.policyName);
      return [
        ...heredoc(file, doc),
        `aws iam put-role-policy --role-name ${quote(target.roleName)} --policy-name ${quote(target.policyName)} --policy-document file://${file}`,
      ].join('\n');
    }
    case 'user-inline': {
      const file = fileName(target.policyName);
      return [
        ...heredoc(file, doc),
        `aws iam put-user-policy --user-name ${quote(target.userName)} --policy-name ${quote(target.policyName)} --policy-document file://${file}`,
      ].join('\n');
    }
    case 'group-inline': {
      const file = fileName(target.policyName);
      return [
        ...heredoc(file, doc),
        `aws iam put-group-policy --group-name ${quote(target.groupName)} --policy-name ${quote(target.policyName)} --policy-document file://${file}`,
      ].join('\n');
    }
    case 'managed-version': {
      const name = lastPathSegment(target.policyArn) || 'policy';
      const file = fileName(name);
      return [
        ...heredoc(file, doc),
        '# A managed policy keeps at most 5 versions: if it already has 5, delete the oldest non-default one first',
        `# (aws iam list-policy-versions --policy-arn ${quote(target.policyArn)}; aws iam delete-policy-version --policy-arn ${quote(target.policyArn)} --version-id <VERSION_ID>).`,
        `aws iam create-policy-version --policy-arn ${quote(target.policyArn)} --policy-document file://${file} --set-as-default`,
      ].join('\n');
    }
    case 'new-managed': {
      const file = fileName(target.policyName);
      const attach =
        target.attachTo.type === 'role'
          ? `aws iam attach-role-policy --role-name ${quote(target.attachTo.name)} --policy-arn ${quote(target.policyArn)}`
          : `aws iam attach-user-policy --user-name ${quote(target.attachTo.name)} --policy-arn ${quote(target.policyArn)}`;
      return [...heredoc(file, doc), `aws iam create-policy --policy-name ${quote(target.policyName)} --policy-document file://${file}`, attach].join('\n');
    }
    case 'new-boundary': {
      const file = fileName(target.policyName);
      const set =
        target.principal.type === 'role'
          ? `aws iam put-role-permissions-boundary --role-name ${quote(target.principal.name)} --permissions-boundary ${quote(target.policyArn)}`
          : `aws iam put-user-permissions-boundary --user-name ${quote(target.principal.name)} --permissions-boundary ${quote(target.policyArn)}`;
      return [...heredoc(file, doc), `aws iam create-policy --policy-name ${quote(target.policyName)} --policy-document file://${file}`, set].join('\n');
    }
    case 'permission-set': {
      const file = fileName(`permission-set-${target.permissionSetName}`);
      return [
        `# Run in the Identity Center management (or delegated administrator) account. Find the ARNs with`,
        `# aws sso-admin list-instances and aws sso-admin list-permission-sets / describe-permission-set (name ${target.permissionSetName}).`,
        '# put-inline-policy-to-permission-set replaces the whole inline policy: the file below is the complete policy.',
        ...heredoc(file, doc),
        `aws sso-admin put-inline-policy-to-permission-set --instance-arn <INSTANCE_ARN> --permission-set-arn <PERMISSION_SET_ARN> --inline-policy file://${file}`,
        `aws sso-admin provision-permission-set --instance-arn <INSTANCE_ARN> --permission-set-arn <PERMISSION_SET_ARN> --target-type AWS_ACCOUNT --target-id ${target.accountId}`,
      ].join('\n');
    }
  }
}
