/**
 * The administrator views' core, shared by the console (through the operations service) and
 * the CLI: sign-in, a product's licenses, a license's seats and capacity, exports, bulk
 * deactivation (in the foreground for the CLI, as a polled job for the console), and the audit
 * log that records every one of these actions with the token's id, never the token.
 */
import type { AdminLicense, AdminSession, BulkProgress, BulkResult, ExportFile, ExportFormat, ListPage, SeatCapacity } from '../contract/admin.js';
import { unseenFor } from '../contract/admin.js';
import type { Failure, Result } from '../contract/codes.js';
import { isAdminAccess, type SeatAccess } from '../contract/operations.js';
import type { SeatCredentials } from '../licensing/manager.types.js';
import { createKeygenClient } from '../keygen/client.js';
import type { Credentials, KeygenAdminClient } from '../keygen/client.types.js';
import type { Environment } from '../keygen/proxy.js';
import type { Seat } from '../licensing/manager.types.js';
import type { LicensingRuntime } from '../licensing/runtime.types.js';
import { licenseSearch, licensesPage, policyNames } from './admin-licenses.js';
import { adminFailure, createAdminSessions, tokenLabel, type AdminSessions } from './admin-session.js';
import { createAuditLog, type AuditLog } from './audit-log.js';
import { runBulkDeactivation, type BulkPace } from './bulk-deactivation.js';
import { createBulkJobs } from './bulk-jobs.js';
import { fetchEveryPage, type EveryPage } from './every-page.js';
import { finishExport } from './export-run.js';
import { licensesExport, seatsExport } from './exports.js';
import { capacityOf, seatOf } from './seat-row.js';

/** Who acts on the product's licenses: the signed-in session, or a token given for this command only. */
export type AdminCredential = { readonly kind: 'session' } | { readonly kind: 'token'; readonly token: string };

/** Access to one license's seats, and who it is for the audit log. */
export interface SeatGrant {
  readonly credentials: Credentials;
  readonly licenseId: string;
  readonly fingerprint: string | null;
  readonly admin: boolean;
  readonly identity: { readonly credential: 'admin-token' | 'license-key' | 'active-license'; readonly tokenId: string | null };
}

export interface AdminServiceOptions {
  readonly runtime: Pick<LicensingRuntime, 'manager' | 'config' | 'dataFolder' | 'secrets'>;
  readonly env: Environment;
  /** Default: a Keygen client for the runtime's configuration. */
  readonly client?: KeygenAdminClient;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

/** Reports of a foreground bulk deactivation. */
export interface BulkRunControl {
  readonly signal?: AbortSignal;
  readonly onProgress?: (pace: BulkPace) => void;
}

export type AdminService = ReturnType<typeof createAdminService>;

/** The outcome's result word for the audit log. */
function bulkResultWord(outcome: BulkResult): 'ok' | 'partial' | 'failed' | 'cancelled' {
  if (outcome.stopped === 'cancelled') return 'cancelled';
  const done = outcome.deactivated.length + outcome.alreadyGone.length;
  if (outcome.failed.length === 0 && outcome.notAttempted.length === 0) return 'ok';
  return done === 0 ? 'failed' : 'partial';
}

function bulkDetail(outcome: BulkResult): string {
  const parts = [`${outcome.deactivated.length} deactivated`, `${outcome.alreadyGone.length} already gone`, `${outcome.failed.length} failed`, `${outcome.notAttempted.length} not attempted`];
  return outcome.stopped === null ? parts.join(', ') : `${parts.join(', ')} (${outcome.stopped})`;
}

export function createAdminService(options: AdminServiceOptions) {
  const { runtime } = options;
  const now = options.now ?? Date.now;
  const client = options.client ?? createKeygenClient({ config: runtime.config, env: options.env, now });
  const product = runtime.config.product;
  const sessions: AdminSessions = createAdminSessions({ client, secrets: runtime.secrets, dataFolder: runtime.dataFolder, product, now });
  const audit: AuditLog = createAuditLog(runtime.dataFolder, now);
  const jobs = createBulkJobs(now, options.log);
  /** Token ids of tokens given per command, by digest label, so that each is asked about once. */
  const verified = new Map<string, string>();

  async function adminCredentials(who: AdminCredential): Promise<Result<{ readonly credentials: Credentials; readonly tokenId: string }>> {
    if (who.kind === 'session') {
      const signedIn = await sessions.credentials();
      return signedIn.ok ? { ok: true, value: { credentials: signedIn.value.credentials, tokenId: signedIn.value.session.tokenId } } : signedIn;
    }
    const label = tokenLabel(who.token);
    let tokenId = verified.get(label);
    if (tokenId === undefined) {
      const session = await sessions.verify(who.token);
      if (!session.ok) return session;
      tokenId = session.value.tokenId;
      verified.set(label, tokenId);
    }
    return { ok: true, value: { credentials: { kind: 'token', token: who.token }, tokenId } };
  }

  async function grant(access: SeatAccess): Promise<Result<SeatGrant>> {
    if (isAdminAccess(access)) {
      const who = await adminCredentials(access.kind === 'admin' ? { kind: 'token', token: access.adminToken } : { kind: 'session' });
      if (!who.ok) return who;
      const token = who.value.credentials.kind === 'token' ? who.value.credentials.token : '';
      const granted = await runtime.manager.seatAccess({ adminToken: token, licenseId: access.licenseId });
      if (!granted.ok) return granted;
      return { ok: true, value: { ...granted.value, admin: true, identity: { credential: 'admin-token', tokenId: who.value.tokenId } } };
    }
    const granted = await runtime.manager.seatAccess(access.kind === 'license-key' ? { licenseKey: access.licenseKey } : { activeLicense: true });
    if (!granted.ok) return granted;
    return { ok: true, value: { ...granted.value, admin: false, identity: { credential: access.kind === 'license-key' ? 'license-key' : 'active-license', tokenId: null } } };
  }

  /** The licensing core's credentials for a seat access; a session's token is read from the secret store here, never passed in. */
  async function managerCredentials(access: SeatAccess): Promise<Result<SeatCredentials>> {
    switch (access.kind) {
      case 'active-license':
        return { ok: true, value: { activeLicense: true } };
      case 'license-key':
        return { ok: true, value: { licenseKey: access.licenseKey } };
      case 'admin':
        return { ok: true, value: { adminToken: access.adminToken, licenseId: access.licenseId } };
      case 'admin-session': {
        const signedIn = await sessions.credentials();
        if (!signedIn.ok) return signedIn;
        const { credentials } = signedIn.value;
        return { ok: true, value: { adminToken: credentials.kind === 'token' ? credentials.token : '', licenseId: access.licenseId } };
      }
    }
  }

  /** A failure of a call about one license, in the terms of whoever asked. */
  const about = (seat: SeatGrant, failure: Failure): Failure => (seat.admin ? adminFailure(failure, 'license') : failure);

  async function checkAudit(): Promise<Result<void>> {
    return audit.writable();
  }

  async function everySeat(seat: SeatGrant, onProgress?: (fetched: number, total: number | null) => void): Promise<EveryPage<Seat>> {
    const walked = await fetchEveryPage(
      async (number, size) => {
        const page = await client.licenseMachines(seat.licenseId, { number, size }, seat.credentials);
        return page.ok ? { ok: true, value: { ...page.value, data: page.value.data.map((machine) => seatOf(machine, seat.fingerprint)) } } : about(seat, page);
      },
      onProgress === undefined ? {} : { onProgress },
    );
    return walked;
  }

  async function onePage(seat: SeatGrant, page: { readonly number: number; readonly size: number }): Promise<EveryPage<Seat>> {
    const listed = await client.licenseMachines(seat.licenseId, page, seat.credentials);
    if (!listed.ok) return { ok: false, failure: about(seat, listed), page: page.number, pages: null, fetched: 0, total: null };
    return { ok: true, items: listed.value.data.map((machine) => seatOf(machine, seat.fingerprint)), total: listed.value.total ?? null };
  }

  async function everyLicense(who: AdminCredential, search: string | undefined, onProgress?: (fetched: number, total: number | null) => void): Promise<Result<EveryPage<AdminLicense>>> {
    const admin = await adminCredentials(who);
    if (!admin.ok) return admin;
    const { credentials } = admin.value;
    const policies = await policyNames(client, credentials, product);
    const filter = licenseSearch(search, product);
    const walked = await fetchEveryPage(
      async (number, size) => {
        const page = await licensesPage(client, credentials, filter, policies, { number, size });
        return page.ok ? page : adminFailure(page);
      },
      onProgress === undefined ? {} : { onProgress },
    );
    return { ok: true, value: walked };
  }

  return {
    sessions,
    audit,
    grant,
    managerCredentials,
    everySeat,
    everyLicense,

    async signIn(token: string): Promise<Result<AdminSession>> {
      const writable = await checkAudit();
      if (!writable.ok) return writable;
      const signed = await sessions.signIn(token);
      const logged = await audit.append({
        action: 'sign-in',
        license: null,
        machines: [],
        result: signed.ok ? 'ok' : 'failed',
        credential: 'admin-token',
        tokenId: signed.ok ? signed.value.tokenId : tokenLabel(token),
        detail: signed.ok ? `${signed.value.bearer.kind} ${signed.value.bearer.name ?? signed.value.bearer.id}` : signed.code,
      });
      return logged.ok ? signed : logged;
    },

    async signOut(): Promise<Result<null>> {
      const session = await sessions.current();
      const out = await sessions.signOut();
      if (!out.ok) return out;
      if (out.value) {
        const tokenId = session.ok && session.value !== null ? session.value.tokenId : null;
        await audit.append({ action: 'sign-out', license: null, machines: [], result: 'ok', credential: 'admin-token', tokenId, detail: null });
      }
      return { ok: true, value: null };
    },

    session: () => sessions.current(),

    async licensesPage(who: AdminCredential, page: { readonly number: number; readonly size: number }, search?: string): Promise<Result<ListPage<AdminLicense>>> {
      const admin = await adminCredentials(who);
      if (!admin.ok) return admin;
      const { credentials } = admin.value;
      const listed = await licensesPage(client, credentials, licenseSearch(search, product), await policyNames(client, credentials, product), page);
      return listed.ok ? listed : adminFailure(listed);
    },

    /** Every license (or one `page`) of the product matching `search`, as a file, delivered, then audited. */
    async exportLicenses(
      who: AdminCredential,
      format: ExportFormat,
      search?: string,
      deliver?: (file: ExportFile) => Promise<Result<void>>,
      page?: { readonly number: number; readonly size: number },
    ): Promise<Result<ExportFile>> {
      const writable = await checkAudit();
      if (!writable.ok) return writable;
      const admin = await adminCredentials(who);
      if (!admin.ok) return admin;
      let walked: Result<EveryPage<AdminLicense>>;
      if (page === undefined) walked = await everyLicense(who, search);
      else {
        const { credentials } = admin.value;
        const one = await licensesPage(client, credentials, licenseSearch(search, product), await policyNames(client, credentials, product), page);
        walked = { ok: true, value: one.ok ? { ok: true, items: [...one.value.data], total: one.value.total } : { ok: false, failure: adminFailure(one), page: page.number, pages: null, fetched: 0, total: null } };
      }
      return finishExport({
        walked,
        noun: 'licenses',
        format,
        build: (items) => licensesExport(items, product, format, now()),
        deliver,
        audit,
        who: { license: null, credential: 'admin-token', tokenId: admin.value.tokenId },
      });
    },

    async capacity(access: SeatAccess): Promise<Result<SeatCapacity>> {
      const seat = await grant(access);
      if (!seat.ok) return seat;
      const license = await client.license(seat.value.licenseId, seat.value.credentials);
      if (!license.ok) return about(seat.value, license);
      return { ok: true, value: capacityOf(license.value) };
    },

    /** Every seat (or one `page` of them), as a file; `deliver` writes it before the audit line says how it went. */
    async exportSeats(
      access: SeatAccess,
      format: ExportFormat,
      unseenDays?: number,
      deliver?: (file: ExportFile) => Promise<Result<void>>,
      page?: { readonly number: number; readonly size: number },
    ): Promise<Result<ExportFile>> {
      const writable = await checkAudit();
      if (!writable.ok) return writable;
      const seat = await grant(access);
      if (!seat.ok) return seat;
      const walked: EveryPage<Seat> = page === undefined ? await everySeat(seat.value) : await onePage(seat.value, page);
      return finishExport({
        walked: { ok: true, value: walked },
        noun: 'seats',
        format,
        build: (items) => {
          const at = now();
          return seatsExport(unseenDays === undefined ? items : items.filter((row) => unseenFor(row, unseenDays, at)), seat.value.licenseId, format, at);
        },
        deliver,
        audit,
        who: { license: seat.value.licenseId, credential: seat.value.identity.credential, tokenId: seat.value.identity.tokenId },
      });
    },

    /** Deactivates in the foreground (the CLI), paced by the server's rate limit, audited. */
    async deactivate(access: SeatAccess, ids: readonly string[], control: BulkRunControl = {}): Promise<Result<BulkResult>> {
      const writable = await checkAudit();
      if (!writable.ok) return writable;
      const seat = await grant(access);
      if (!seat.ok) return seat;
      return run(seat.value, ids, control);
    },

    /** Starts a bulk deactivation the console polls (`bulkStatus`) and may cancel (`cancelBulk`). */
    async startBulk(access: SeatAccess, ids: readonly string[]): Promise<Result<BulkProgress>> {
      const writable = await checkAudit();
      if (!writable.ok) return writable;
      const seat = await grant(access);
      if (!seat.ok) return seat;
      const unique = [...new Set(ids)];
      return jobs.start(unique.length, async (signal, onProgress) => {
        const outcome = await run(seat.value, unique, { signal, onProgress });
        return outcome.ok ? outcome.value : { deactivated: [], alreadyGone: [], failed: unique.map((id) => ({ id, code: outcome.code, message: outcome.message })), notAttempted: [], stopped: null };
      });
    },
    bulkStatus: (jobId: string) => jobs.status(jobId),
    cancelBulk: (jobId: string) => jobs.cancel(jobId),
  };

  async function run(seat: SeatGrant, ids: readonly string[], control: BulkRunControl): Promise<Result<BulkResult>> {
    const outcome = await runBulkDeactivation({
      ids,
      deactivate: async (id) => {
        const answer = await client.deactivatePaced(id, seat.credentials);
        return answer.outcome.kind === 'failed' ? { ...answer, outcome: { kind: 'failed', failure: about(seat, answer.outcome.failure) } } : answer;
      },
      now,
      ...(control.signal === undefined ? {} : { signal: control.signal }),
      ...(control.onProgress === undefined ? {} : { onProgress: control.onProgress }),
    });
    await runtime.manager.seatsDeactivated([...outcome.deactivated, ...outcome.alreadyGone]);
    const logged = await audit.append({
      action: 'deactivate',
      license: seat.licenseId,
      machines: [...new Set(ids)],
      result: bulkResultWord(outcome),
      credential: seat.identity.credential,
      tokenId: seat.identity.tokenId,
      detail: bulkDetail(outcome),
    });
    // The seats are freed either way; a log that could not be written is said, not hidden.
    if (!logged.ok) options.log?.(`audit: deactivation of ${ids.length} seats not recorded (${logged.code})`);
    return { ok: true, value: outcome };
  }
}
