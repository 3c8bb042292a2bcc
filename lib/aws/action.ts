/**
 * IAM action names (`service:Action`): the one place that splits them.
 */

/** The service prefix of an IAM action, lower-cased (`KMS:Decrypt` → `kms`); null when the text is not `service:Action`. */
export function actionPrefixOf(action: string | null | undefined): string | null {
  if (typeof action !== 'string') return null;
  const colon = action.indexOf(':');
  if (colon <= 0 || colon > 64) return null;
  const prefix = action.slice(0, colon).toLowerCase();
  return /^[a-z0-9][a-z0-9.-]*$/.test(prefix) ? prefix : null;
}

/** The service part of an action as written (`kms:Decrypt` → `kms`); the whole text when it has no colon. */
export function actionService(action: string): string {
  const colon = action.indexOf(':');
  return colon < 0 ? action : action.slice(0, colon);
}

/** The name part of an action (`kms:Decrypt` → `Decrypt`); undefined when it has no colon. */
export function actionName(action: string): string | undefined {
  const colon = action.indexOf(':');
  if (colon < 0) return undefined;
  const rest = action.slice(colon + 1);
  const next = rest.indexOf(':');
  return next < 0 ? rest : rest.slice(0, next);
}
