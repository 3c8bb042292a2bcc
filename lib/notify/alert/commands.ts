/**
 * The `access-auditor incidents ack` / `incidents show` command lines an alert prints, so the on-call can
 * act on it: by default they address the embedded default store; the deployed Lambda (and `replay`
 * against a deployed table) passes {@link incidentCommands} so that they reach that table.
 */

/** The two command lines of one alert. */
export interface IncidentCommandLines {
  ack: string;
  show: string;
}

export const defaultAckCommand = (fingerprint: string): string => `access-auditor incidents ack ${fingerprint}`;
export const defaultShowCommand = (fingerprint: string): string => `access-auditor incidents show ${fingerprint}`;

/** `incidents ack` / `incidents show` command lines that address the deployed table. */
export function incidentCommands(tableName: string, region: string | undefined): { ackCommand: (fp: string) => string; showCommand: (fp: string) => string } {
  const where = `--table ${tableName}${region ? ` --region ${region}` : ''}`;
  return {
    ackCommand: (fp) => `access-auditor incidents ack ${fp} ${where}`,
    showCommand: (fp) => `access-auditor incidents show ${fp} ${where}`,
  };
}
