/**
 * The one mapping from this report's evidence to common controls (issue 14 item 4). Careful
 * words: the report supports an assessment of these controls; it never certifies compliance,
 * which is an assessor's judgement of the whole system. `evidence` names report sections
 * (their ids in the HTML, their titles in the PDF). Tests read this table.
 */
import type { ReportControl } from './types'

export const CONTROLS: readonly ReportControl[] = Object.freeze([
  {
    framework: 'ISO/IEC 27001:2022',
    control: 'A.8.15',
    title: 'Logging: logs protected against tampering',
    evidence: ['summary', 'incidents', 'receipts'],
    statement: 'Supports A.8.15 by showing that each watched log\'s sealed history was re-checked against roots recorded on a public chain, and by naming any rewrite (rewind or fork) detected in the period.'
  },
  {
    framework: 'SOC 2 (2017 TSC)',
    control: 'CC7.2',
    title: 'Monitoring of system components for anomalies',
    evidence: ['coverage', 'timeline', 'incidents'],
    statement: 'Supports CC7.2 by showing that the monitoring passes ran on their schedule, which ones failed or were missed, when the service was down, and the anomalies they detected.'
  },
  {
    framework: 'PCI DSS v4.0.1',
    control: '10.3.4',
    title: 'File integrity monitoring or change detection on audit logs',
    evidence: ['summary', 'incidents', 'receipts', 'coverage'],
    statement: 'Supports 10.3.4 as change-detection evidence: an existing log entry cannot be changed without the next pass reporting a rewind or fork, and every seal can be re-checked independently.'
  },
  {
    framework: 'SEC Rule 17a-4(f)',
    control: 'Audit-trail alternative (17a-4(f)(2)(i)(A))',
    title: 'Records kept with a complete time-stamped audit trail',
    evidence: ['receipts', 'service', 'reperform'],
    statement: 'Supports a firm\'s audit-trail alternative by providing time-stamped, independently verifiable seals of each record log and the commands to re-perform the check; whether a system as a whole meets 17a-4(f) remains the firm\'s and its examiner\'s determination.'
  },
  {
    framework: 'eIDAS (Regulation (EU) 2024/1183)',
    control: 'Art. 45l',
    title: 'Legal effects of electronic ledgers',
    evidence: ['receipts', 'parameters'],
    statement: 'Supports reliance on the sealed order and integrity of records by anchoring them in an electronic ledger; this is not a qualified electronic ledger under Art. 45l unless a qualified trust service provider operates it.'
  }
])
