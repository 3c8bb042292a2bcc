/** Types for deploy/cfn-template.js (CommonJS so scripts run it without a build step). */

/** A CloudFormation template as parsed JSON/YAML (intrinsics in long form). */
export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, { Type: string; Default?: unknown; AllowedPattern?: string; AllowedValues?: unknown[]; Description?: string }>;
  Conditions?: Record<string, unknown>;
  Resources?: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Condition?: string; Description?: string; Export?: unknown }>;
  [key: string]: unknown;
}

export interface TemplateResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Resolved template values are arbitrary JSON; tests index into them freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/** A template after `materialize`: only resources whose Condition holds, intrinsics resolved. */
export interface MaterializedTemplate {
  Resources: Record<string, TemplateResource & { Properties: Record<string, Loose> }>;
  Outputs: Record<string, { Value: Loose; Condition?: string }>;
  parameters: Record<string, string>;
}

export const CFN_YAML_SCHEMA: unknown;
export const EVENT_SOURCE_CONDITION: 'HasEventSourceFilter';
export const EVENT_SOURCE_PARAMETER: 'EventSources';
export const PATTERN_BEGIN: string;
export const PATTERN_END: string;

/** Parses a template (YAML with short-form tags, or JSON). */
export function parseTemplate(text: string, filename?: string): Template;
/** Reads and parses a template file. */
export function loadTemplateFile(file: string): Template;
/** The plain event pattern wrapped in Fn::If on HasEventSourceFilter (adds detail.eventSource). */
export function buildCfnEventPattern(base: Record<string, unknown>): { 'Fn::If': [string, Record<string, unknown>, Record<string, unknown>] };
/** The generated block for a YAML template, indented by `indent` spaces. */
export function renderPatternBlock(cfnPattern: unknown, indent: number): string;
/** Replaces the generated event-pattern block of a YAML template's text. */
export function replacePatternBlock(text: string, cfnPattern: unknown): string;
/** Structural problems CloudFormation would report at deploy time (empty when sound). */
export function lintTemplate(template: Template): string[];
/** Parameter defaults overridden by `overrides`. */
export function parameterValues(template: Template, overrides?: Record<string, string>): Record<string, string>;
/** Evaluates a named condition. */
export function evaluateCondition(name: string, ctx: { template: Template; parameters: Record<string, string>; pseudo: Record<string, string> }): boolean;
/** Resolves intrinsics; resource references become `${Name}` / `${Name.Attr}` tokens. */
export function resolveValue(value: unknown, ctx: { template: Template; parameters: Record<string, string>; pseudo: Record<string, string> }): Loose;
/**
 * The template as deployed with these parameters: false-Condition resources and outputs dropped,
 * intrinsics resolved. Pseudo parameters default to aws / us-east-1 / 111122223333.
 */
export function materialize(template: Template, overrides?: Record<string, string>, pseudo?: Record<string, string>): MaterializedTemplate;
