/**
 * The state file's shape, checked strictly by hand (a cold `tessera status` must not load a
 * schema library): every field present and valid, nothing unknown, one record per license.
 * Version 1 files (Tessera before signed evidence) are migrated in memory: their check-in dates
 * and rollback watermark came from the local clock and editable fields, so they are dropped and
 * rebuilt from signed evidence; the rest is kept.
 */
import type { SignedAnswer } from '../keygen/client.types.js';
import { NO_EVIDENCE, STATE_VERSION, type InstalledRecord, type LicensingState, type PendingActivation, type RecordEvidence, type SetAsideNotice } from './state.types.js';

/** What a state file holds: a (migrated) state, a newer version's state, or nothing usable. */
export type ParsedState = { readonly kind: 'state'; readonly state: LicensingState } | { readonly kind: 'newer' } | { readonly kind: 'invalid'; readonly issue: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The license-file engine refuses larger certificates; a sealed one is a little longer. */
const MAX_CERTIFICATE_LENGTH = 2 * 1024 * 1024;
const MAX_NAME_LENGTH = 1024;
/** The client refuses larger responses. */
const MAX_ANSWER_BODY = 4 * 1024 * 1024;
const MAX_HEADER = 8192;

type Json = Readonly<Record<string, unknown>>;
type Rule = (value: unknown) => boolean;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTimestamp: Rule = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
const isName: Rule = (value) => typeof value === 'string' && value.length >= 1 && value.length <= MAX_NAME_LENGTH;
const isText =
  (max: number): Rule =>
  (value) =>
    typeof value === 'string' && value.length >= 1 && value.length <= max;
const nullOr =
  (rule: Rule): Rule =>
  (value) =>
    value === null || rule(value);

/** Checks `value` against `fields` exactly (no missing, no unknown); the copy has the fields in order. */
function checkObject<T>(value: unknown, fields: Readonly<Record<string, Rule>>, at: string): { ok: true; value: T } | { ok: false; issue: string } {
  if (!isObject(value)) return { ok: false, issue: `${at}: not an object` };
  if (Object.keys(value).some((key) => !Object.hasOwn(fields, key))) return { ok: false, issue: `${at}: unknown field` };
  const copy: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(fields)) {
    if (!rule(value[key])) return { ok: false, issue: `${at}.${key}: invalid` };
    copy[key] = value[key];
  }
  return { ok: true, value: copy as T };
}

const ANSWER_FIELDS: Readonly<Record<keyof SignedAnswer, Rule>> = {
  method: (value) => value === 'GET' || value === 'POST' || value === 'DELETE',
  target: isText(MAX_HEADER),
  host: isText(MAX_NAME_LENGTH),
  status: (value) => Number.isSafeInteger(value) && (value as number) >= 100 && (value as number) <= 599,
  date: isText(64),
  digest: isText(MAX_HEADER),
  signature: isText(MAX_HEADER),
  body: (value) => typeof value === 'string' && value.length <= MAX_ANSWER_BODY,
};
const isAnswer: Rule = (value) => checkObject(value, ANSWER_FIELDS, 'answer').ok;

const EVIDENCE_FIELDS: Readonly<Record<keyof RecordEvidence, Rule>> = { confirmation: nullOr(isAnswer), refusal: nullOr(isAnswer) };

const RECORD_FIELDS: Readonly<Record<keyof InstalledRecord, Rule>> = {
  id: (value) => typeof value === 'string' && UUID.test(value),
  kind: (value) => value === 'license' || value === 'machine',
  source: (value) => value === 'activation' || value === 'import',
  certificate: isText(MAX_CERTIFICATE_LENGTH),
  machineId: nullOr(isName),
  fingerprint: nullOr(isName),
  licenseKeyRef: nullOr(isName),
  label: (value) => value === null || (typeof value === 'string' && value.length <= MAX_NAME_LENGTH),
  pinned: (value) => typeof value === 'boolean',
  evidence: (value) => checkObject(value, EVIDENCE_FIELDS, 'evidence').ok,
  deactivating: nullOr(isTimestamp),
  installedAt: isTimestamp,
  updatedAt: isTimestamp,
};

const PENDING_FIELDS: Readonly<Record<keyof PendingActivation, Rule>> = {
  licenseId: (value) => typeof value === 'string' && UUID.test(value),
  fingerprint: isName,
  licenseKeyRef: isName,
  machineId: nullOr(isName),
  created: (value) => typeof value === 'boolean',
  startedAt: isTimestamp,
};

const NOTICE_FIELDS: Readonly<Record<keyof SetAsideNotice, Rule>> = { name: isName, at: isTimestamp };

/** Version 1 records: the same identity, plus the fields version 2 no longer trusts. */
const V1_RECORD_FIELDS: Readonly<Record<string, Rule>> = {
  ...Object.fromEntries(Object.entries(RECORD_FIELDS).filter(([key]) => key !== 'evidence' && key !== 'deactivating')),
  lastCheckInAt: nullOr(isTimestamp),
  nextCheckInAt: nullOr(isTimestamp),
  requireHeartbeat: (value) => typeof value === 'boolean',
  heartbeatDuration: (value) => value === null || (Number.isSafeInteger(value) && (value as number) > 0),
};

function checkList<T>(value: unknown, fields: Readonly<Record<string, Rule>>, at: string): { ok: true; value: T[] } | { ok: false; issue: string } {
  if (!Array.isArray(value)) return { ok: false, issue: `${at}: not an array` };
  const items: T[] = [];
  for (const [index, item] of (value as unknown[]).entries()) {
    const checked = checkObject<T>(item, fields, `${at}.${index}`);
    if (!checked.ok) return checked;
    items.push(checked.value);
  }
  return { ok: true, value: items };
}

function uniqueIds(licenses: readonly { readonly id: string }[]): boolean {
  return new Set(licenses.map((record) => record.id.toLowerCase())).size === licenses.length;
}

function checkV2(value: Json): ParsedState {
  const keys = ['version', 'licenses', 'timeWitness', 'activations', 'setAside'];
  if (Object.keys(value).some((key) => !keys.includes(key))) return { kind: 'invalid', issue: '(state): unknown field' };
  const licenses = checkList<InstalledRecord>(value.licenses, RECORD_FIELDS, 'licenses');
  if (!licenses.ok) return { kind: 'invalid', issue: licenses.issue };
  if (!uniqueIds(licenses.value)) return { kind: 'invalid', issue: 'licenses: duplicate id' };
  if (!nullOr(isAnswer)(value.timeWitness)) return { kind: 'invalid', issue: 'timeWitness: invalid' };
  const activations = checkList<PendingActivation>(value.activations, PENDING_FIELDS, 'activations');
  if (!activations.ok) return { kind: 'invalid', issue: activations.issue };
  const setAside = checkList<SetAsideNotice>(value.setAside, NOTICE_FIELDS, 'setAside');
  if (!setAside.ok) return { kind: 'invalid', issue: setAside.issue };
  return {
    kind: 'state',
    state: { version: STATE_VERSION, licenses: licenses.value, timeWitness: (value.timeWitness as SignedAnswer | null) ?? null, activations: activations.value, setAside: setAside.value },
  };
}

function migrateV1(value: Json): ParsedState {
  if (Object.keys(value).some((key) => key !== 'version' && key !== 'licenses' && key !== 'watermark')) return { kind: 'invalid', issue: '(state): unknown field' };
  if (!isTimestamp(value.watermark)) return { kind: 'invalid', issue: 'watermark: invalid' };
  const old = checkList<Record<string, unknown>>(value.licenses, V1_RECORD_FIELDS, 'licenses');
  if (!old.ok) return { kind: 'invalid', issue: old.issue };
  const licenses = old.value.map(
    (record): InstalledRecord => ({
      id: record.id as string,
      kind: record.kind as InstalledRecord['kind'],
      source: record.source as InstalledRecord['source'],
      certificate: record.certificate as string,
      machineId: record.machineId as string | null,
      fingerprint: record.fingerprint as string | null,
      licenseKeyRef: record.licenseKeyRef as string | null,
      label: record.label as string | null,
      pinned: record.pinned as boolean,
      evidence: NO_EVIDENCE,
      deactivating: null,
      installedAt: record.installedAt as number,
      updatedAt: record.updatedAt as number,
    }),
  );
  if (!uniqueIds(licenses)) return { kind: 'invalid', issue: 'licenses: duplicate id' };
  return { kind: 'state', state: { version: STATE_VERSION, licenses, timeWitness: null, activations: [], setAside: [] } };
}

/** The state in `text`: migrated from version 1, refused when newer, or why it is invalid. */
export function parseState(text: string): ParsedState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', issue: '(state): not JSON' };
  }
  if (!isObject(json)) return { kind: 'invalid', issue: '(state): not an object' };
  if (Number.isSafeInteger(json.version) && (json.version as number) > STATE_VERSION) return { kind: 'newer' };
  if (json.version === STATE_VERSION) return checkV2(json);
  if (json.version === 1) return migrateV1(json);
  return { kind: 'invalid', issue: 'version: invalid' };
}

/** The state as it is written: checked, fields in a fixed order. Throws a TypeError on an invalid state (a bug). */
export function serializeState(state: LicensingState): string {
  const checked = checkV2(state as unknown as Json);
  if (checked.kind !== 'state') throw new TypeError(`Refusing to save an invalid licensing state: ${checked.kind === 'invalid' ? checked.issue : 'newer'}`);
  return `${JSON.stringify(checked.state, null, 2)}\n`;
}
