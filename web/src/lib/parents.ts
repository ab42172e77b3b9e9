/** A work an upload may name as its parent (what `GET /create/parents` answers). */
export interface ParentChoice {
  workId: string;
  /** "0" when the account owns the work. */
  licenseId: string;
  title: string | null;
  /** What the parent takes of the new work's licence revenue, in basis points (0 when owned). */
  shareBps: number;
}
