// Placeholder replaced by the report wiring.
export const handler = async (): Promise<void> => undefined;
