/**
 * What the report's boxes (converter, 30-day chart) need from the page: the report's date,
 * the quota line, and sign-out when a request fails for a credential reason.
 */
export interface BoxHooks {
  /** The report's date (`YYYY-MM-DD`), or undefined for today. */
  date: () => string | undefined;
  observe: (response: Response) => void;
  onCredentialFailure: (error: unknown) => void;
}
