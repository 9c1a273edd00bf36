/** Small conversions between SQLite column values and domain values, shared by the repositories. */
import type { Metadata } from '../domain/types.js';

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

/** SQLite has no boolean: 1/0 in, true/false out. */
export function toBool(value: unknown): boolean {
  return value === 1 || value === 1n || value === true;
}

export function fromBool(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

/** A nullable boolean column (`licenses.protected`: null means "inherit from the policy"). */
export function toNullableBool(value: unknown): boolean | null {
  return value === null || value === undefined ? null : toBool(value);
}

export function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function toNullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** Parses a JSON object column; a corrupt value reads as `{}` rather than failing the request. */
export function toMetadata(value: unknown): Metadata {
  if (typeof value !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Metadata) : {};
  } catch {
    return {};
  }
}

export function toStringArray(value: unknown): string[] | null {
  if (typeof value !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : null;
  } catch {
    return null;
  }
}

/** Builds `col = @col, …` for an UPDATE from the keys actually being changed. */
export function assignments(columns: readonly string[]): string {
  return columns.map((column) => `${column} = @${column}`).join(', ');
}
