/** Opt-in console links in an alert (CloudTrail event, IAM principal): commercial partition only. */
import { partitionOf } from '../../aws/arn';
import type { Incident } from '../../incidents/types';

/** What the links are built from: the incident, and the console Region when links are wanted. */
export interface ConsoleLinkInput {
  incident: Incident;
  consoleRegion?: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function urlPart(value: string): string {
  // Also encode characters Slack could read as formatting inside an auto-linked URL.
  return encodeURIComponent(value).replace(/[!'()*_~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function consoleLinks(input: ConsoleLinkInput): Array<{ label: string; url: string }> {
  const { consoleRegion, incident } = input;
  if (consoleRegion === undefined || !REGION.test(consoleRegion)) return [];
  const partition = partitionOf(incident.principal.arn);
  if (partition !== undefined && partition !== 'aws') return [];
  const links: Array<{ label: string; url: string }> = [];
  const region = REGION.test(incident.callRegion) ? incident.callRegion : consoleRegion;
  links.push({
    label: 'CloudTrail',
    url: `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${urlPart(incident.latest.eventId)}`,
  });
  const { roleName, userName } = incident.principal;
  if (roleName !== undefined) {
    links.push({ label: 'IAM role', url: `https://console.aws.amazon.com/iam/home?region=${consoleRegion}#/roles/details/${urlPart(roleName)}` });
  } else if (userName !== undefined && incident.principal.type === 'IAMUser') {
    links.push({ label: 'IAM user', url: `https://console.aws.amazon.com/iam/home?region=${consoleRegion}#/users/details/${urlPart(userName)}` });
  }
  return links;
}
