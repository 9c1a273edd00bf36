/**
 * One export, from the walk over the pages to the audit line: a walk that stopped becomes its
 * failure (`stopFailure`); a complete one becomes the file, which `deliver` writes (a file
 * atomically, or standard output) before the audit log says how it went — written or not.
 */
import type { AuditEntry, ExportFile, ExportFormat } from '../contract/admin.js';
import type { Result } from '../contract/codes.js';
import type { AuditLog } from './audit-log.js';
import { stopFailure, type EveryPage } from './every-page.js';

export interface ExportRun<T> {
  readonly walked: Result<EveryPage<T>>;
  readonly noun: string;
  readonly format: ExportFormat;
  readonly build: (items: readonly T[]) => ExportFile;
  readonly deliver?: ((file: ExportFile) => Promise<Result<void>>) | undefined;
  readonly audit: AuditLog;
  readonly who: Pick<AuditEntry, 'license' | 'credential' | 'tokenId'>;
}

/** The export's file, or why there is none; AUDIT_LOG_UNUSABLE when its line could not be written. */
export async function finishExport<T>(run: ExportRun<T>): Promise<Result<ExportFile>> {
  let result: Result<ExportFile>;
  if (!run.walked.ok) result = run.walked;
  else if (!run.walked.value.ok) result = stopFailure(run.walked.value, run.noun);
  else {
    const file = run.build(run.walked.value.items);
    const delivered = run.deliver === undefined ? ({ ok: true, value: undefined } as const) : await run.deliver(file);
    result = delivered.ok ? { ok: true, value: file } : delivered;
  }
  const detail = result.ok
    ? `${run.format}, ${result.value.rows} rows, ${result.value.fileName}`
    : `${result.code}${'detail' in result && typeof result.detail === 'string' ? `: ${result.detail}` : ''}`;
  const logged = await run.audit.append({ action: 'export', machines: [], result: result.ok ? 'ok' : 'failed', detail, ...run.who });
  return logged.ok ? result : logged;
}
