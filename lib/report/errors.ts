import { AuditorError } from '../errors';

/** The report was asked for an impossible period (no days, or an end before its start). */
export class ReportPeriodError extends AuditorError {
  override name = 'ReportPeriodError';
}
