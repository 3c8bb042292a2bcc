/**
 * The JSON Schema of `access-auditor.rules.yml`. Published as schema/rules.schema.json (a test keeps the
 * two equal); kept here as code so the compiled CLI and the Lambda bundle carry it without a file read.
 */
import { MANAGED_BY, REASON_LAYERS } from '../denial/types';
import { SEVERITIES } from '../alerts/severity';

const patterns = (description: string) => ({
  description: `${description} One value or a list (any one matches).`,
  oneOf: [
    { type: 'string', minLength: 1, maxLength: 2048 },
    { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 2048 } },
  ],
});

const enumList = (values: readonly string[], description: string) => ({
  description: `${description} One value or a list (any one matches).`,
  oneOf: [
    { type: 'string', enum: [...values] },
    { type: 'array', minItems: 1, items: { type: 'string', enum: [...values] } },
  ],
});

/** Attribute names SNS accepts, minus the ones access-auditor sets itself (a route must not overwrite them). */
export const ROUTE_NAME_PATTERN = '^(?!(?:severity|account|service|layer|principal|trigger)$)(?!(?:AWS|Amazon)[.])[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$';

export const RULES_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/access-auditor/access-auditor/schema/rules.schema.json',
  title: 'access-auditor rules file (access-auditor.rules.yml)',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'rules'],
  properties: {
    version: { description: 'The format version.', const: 1 },
    rules: {
      description: 'Ordered rules: for each effect (expect, severity, route) the first matching rule that has it wins.',
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'reason', 'owner', 'match'],
        anyOf: [{ required: ['expect'] }, { required: ['severity'] }, { required: ['route'] }],
        properties: {
          id: { description: 'Unique name of the rule (letters, digits, ".", "_", "-").', type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
          reason: { description: 'Why these denials are normal or routed so: for the reviewer.', type: 'string', minLength: 1, maxLength: 500 },
          owner: { description: 'Who answers for the rule (team, person, e-mail).', type: 'string', minLength: 1, maxLength: 200 },
          expires: {
            description: 'yyyy-mm-dd: the rule matches through the end of that UTC day; after it, it stops matching and the weekly report lists it.',
            type: 'string',
            pattern: '^\\d{4}-\\d{2}-\\d{2}$',
          },
          match: {
            description: 'Conditions, all of which must match. Patterns are IAM-style wildcards (* and ?), never regular expressions.',
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: {
              account: patterns('Account ID of the denial (wildcards allowed).'),
              principal: patterns("Caller ARN or the role's IAM ARN (wildcards allowed)."),
              managedBy: enumList(MANAGED_BY, 'Who manages the principal.'),
              action: patterns('IAM action, e.g. s3:Get* (case-insensitive).'),
              resource: patterns('Resource ARN (wildcards allowed); a denial without a resource never matches.'),
              errorCode: patterns('CloudTrail errorCode, e.g. AccessDenied (wildcards allowed).'),
              layer: enumList(REASON_LAYERS, 'The policy layer that denied.'),
              sourceIp: patterns('Source IP range in CIDR notation, IPv4 or IPv6 (a bare address is /32 or /128).'),
              userAgent: patterns('User agent (wildcards allowed, e.g. *Prowler*).'),
            },
          },
          expect: { description: 'These denials are normal: counted as expected, never alerted.', const: true },
          severity: { description: "Overrides the alert's severity.", enum: [...SEVERITIES] },
          route: {
            description: 'SNS message attributes added to the alert (e.g. team: payments) for subscription filter policies.',
            type: 'object',
            minProperties: 1,
            maxProperties: 5,
            propertyNames: { pattern: ROUTE_NAME_PATTERN },
            additionalProperties: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
      },
    },
  },
} as const;
