/** One plain-words finding about a run (what limited it), written by a rule in explain*.ts. */
export interface Finding {
  variant: string;
  /** Set when the variant ran more than once and the finding is about one repeat. */
  repeat?: number;
  /** Stable id of the rule that wrote it. */
  rule: string;
  /** 'limit': the system reached a limit; 'warning': errors or a doubtful measurement; 'info': context. */
  severity: 'limit' | 'info' | 'warning';
  /** One plain sentence. */
  text: string;
}
