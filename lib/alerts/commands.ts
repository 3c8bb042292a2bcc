/** `incidents ack` / `incidents show` command lines that address the deployed table. */
export function incidentCommands(tableName: string, region: string | undefined): { ackCommand: (fp: string) => string; showCommand: (fp: string) => string } {
  const where = `--table ${tableName}${region ? ` --region ${region}` : ''}`;
  return {
    ackCommand: (fp) => `access-auditor incidents ack ${fp} ${where}`,
    showCommand: (fp) => `access-auditor incidents show ${fp} ${where}`,
  };
}
