/**
 * The renderer's one door to the contract (`src/contract/`): failure codes, their messages,
 * the operations and the bridge type. The licensing types are read off the operation map, so
 * the renderer depends on the contract alone, never on the core's modules.
 */
export { isFailureCode, type Failure, type FailureCode, type Result } from '../src/contract/codes.js';
export { fail, MESSAGES, uiActionFor } from '../src/contract/messages.js';
export { capacityText, durationText, unseenFor, type AdminLicense, type AdminSession, type AuditEntry, type BulkProgress, type BulkResult, type ExportFile, type ExportFormat, type SeatCapacity } from '../src/contract/admin.js';
export { splitForQr, joinQrParts, QR_PART_PREFIX } from '../src/contract/qr-chunks.js';
export type { AirgapMachine, CarriedFile, CreatedRequest, DriveView, FulfilAccess, FulfilResult, ImportResult, OfflineDeactivation } from '../src/contract/airgap.types.js';
export { createBridge, OPERATIONS, type ChosenFile, type Invoke, type OperationName, type OperationResult, type SeatAccess, type SettingsView, type TesseraBridge } from '../src/contract/operations.js';
export type { DoctorCheck, DoctorReport, DoctorVerdict } from '../src/contract/doctor.js';
import type { OperationMap } from '../src/contract/operations.js';

/** The answer to "is this machine licensed?" (`license.status()`). */
export type StatusReport = OperationMap['license:status']['value'];
export type LicenseFacts = NonNullable<StatusReport['license']>;
export type StatusWarning = StatusReport['warnings'][number];
/** One installed license (`files.import()`, `licenses.list()`). */
export type InstalledLicense = OperationMap['files:import']['value'];
/** One seat (activated machine) of a license. */
export type Seat = OperationMap['seats:list']['value']['data'][number];
/** What `seats.deactivate()` did, seat by seat. */
export type BulkOutcome = OperationMap['seats:deactivate']['value'];
