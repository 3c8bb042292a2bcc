/**
 * Review (issue 9): the Terraform rendering means to write `$${` for a literal `${`, but
 * String.replace reads `$$` in the replacement as one `$`, so `${*}` reaches HCL as an interpolation.
 */
import { renderTerraform } from '../../lib/policy/render/terraform';

it('an escaped wildcard `${*}` is written `$${*}` in HCL', () => {
  const out = renderTerraform('p', {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/logs/${*}' }],
  });
  expect(out).toContain('"arn:aws:s3:::b/logs/$${*}"');
});

it('a carriage return in a resource is escaped in the HCL string', () => {
  const out = renderTerraform('p', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/a\rb' }] });
  expect(out).not.toMatch(/\r/);
});
