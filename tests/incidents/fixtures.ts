// The incident store suites' builders are the shared ones (tests/support): a stored denial, its fix, a
// store on a fresh table of the suite's embedded DynamoDB.
export { sampleProposal, storedDenial as makeDenial } from '../support/builders';
export { freshStore } from '../support/dynamodb';

export const at = (iso: string): Date => new Date(iso);
