/** The people directory as uploaded: CSV rows checked into people, with a report of every rejected row. */
import * as z from 'zod';
import { CsvSyntaxError, parseCsv } from './csv.ts';
import { UNIT_PATH_SEPARATOR } from './org.ts';

export interface RosterPerson {
  email: string;
  /** The language their invitation and reminders are written in (the optional `locale` column). */
  locale?: string;
  /** Unit names from the root down. */
  unitPath: string[];
  attributes: Record<string, string>;
}

export interface RosterRejection {
  line: number;
  field: string;
  message: string;
}

export interface ParsedRoster {
  people: RosterPerson[];
  attributeNames: string[];
  rejected: RosterRejection[];
}

export const MAX_ROSTER_PEOPLE = 500_000;
const REQUIRED_COLUMNS = ['email', 'orgUnit'] as const;
/** Columns with a meaning of their own rather than demographic attributes. */
const RESERVED_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, 'locale'];
/** Languages an invitation can be written in: a locale outside these would mail a person in a language they did not ask for. */
export const INVITATION_LOCALES = ['en', 'sv'] as const;
const localeSchema = z.enum(INVITATION_LOCALES);
/** 254 characters is the longest address SMTP can carry (RFC 5321); it also keeps the key under DynamoDB's 1,024 bytes. */
export const MAX_EMAIL_LENGTH = 254;
const emailSchema = z.email().max(MAX_EMAIL_LENGTH);
const attributeNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9 _-]{0,39}$/);
/** Names that reach an object's prototype (`constructor`, `toString`, …): an attribute may not be called that. */
const PROTOTYPE_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype'].map((name) => name.toLowerCase()));
/** No cell of a directory is longer than this; the longest meaningful one is a unit path. */
export const MAX_CELL_LENGTH = 2000;
const MAX_UNIT_DEPTH = 20;
const MAX_COLUMNS = 100;

/** Parse and check a directory CSV: `email`, `orgUnit` (a path like `Acme > Technology`), then attribute columns. */
export function parseRoster(text: string): ParsedRoster {
  const rejected: RosterRejection[] = [];
  const result = (people: RosterPerson[] = [], attributeNames: string[] = []) => ({ people, attributeNames, rejected });
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    rejected.push({ line: error.line, field: 'file', message: error.message });
    return result();
  }
  if (records.length === 0) {
    rejected.push({ line: 1, field: 'file', message: 'the file is empty: it needs a header row and one row per person' });
    return result();
  }
  const [header, ...rows] = records;
  const columns = header.fields.map((name) => name.trim());
  for (const required of REQUIRED_COLUMNS) {
    if (!columns.includes(required)) {
      rejected.push({ line: header.line, field: required, message: `the header has no "${required}" column` });
    }
  }
  if (columns.length > MAX_COLUMNS) {
    rejected.push({ line: header.line, field: 'header', message: `has ${columns.length} columns; at most ${MAX_COLUMNS}` });
    return result();
  }
  const attributeNames = columns.filter((name) => !RESERVED_COLUMNS.includes(name));
  const localeColumn = columns.indexOf('locale');
  for (const name of attributeNames) {
    // The column name is reported cut short: the report must stay small whatever the header holds.
    const field = name.slice(0, 40);
    if (!attributeNameSchema.safeParse(name).success) {
      rejected.push({
        line: header.line,
        field,
        message: 'an attribute column name must start with a letter and have at most 40 letters, digits, spaces, "_" or "-"',
      });
    } else if (PROTOTYPE_NAMES.has(name.toLowerCase())) {
      rejected.push({ line: header.line, field, message: `"${name}" is a reserved name; call the column something else` });
    }
  }
  if (new Set(columns).size !== columns.length) {
    rejected.push({ line: header.line, field: 'header', message: 'a column name appears twice' });
  }
  if (rows.length === 0) {
    rejected.push({ line: header.line, field: 'file', message: 'the file has a header but no people' });
  }
  if (rows.length > MAX_ROSTER_PEOPLE) {
    rejected.push({ line: header.line, field: 'file', message: `at most ${MAX_ROSTER_PEOPLE} people per directory` });
  }
  if (rejected.length > 0) return result();

  const emailColumn = columns.indexOf('email');
  const unitColumn = columns.indexOf('orgUnit');
  const seen = new Map<string, number>();
  const people: RosterPerson[] = [];
  let root: string | undefined;
  for (const row of rows) {
    const reject = (field: string, message: string) => rejected.push({ line: row.line, field, message });
    if (row.fields.length !== columns.length) {
      reject('row', `has ${row.fields.length} fields, the header has ${columns.length}`);
      continue;
    }
    const long = row.fields.findIndex((cell) => cell.length > MAX_CELL_LENGTH);
    if (long >= 0) {
      reject(columns[long].slice(0, 40), `is longer than ${MAX_CELL_LENGTH} characters`);
      continue;
    }
    const email = row.fields[emailColumn].trim().toLowerCase();
    if (email.length > MAX_EMAIL_LENGTH) {
      reject('email', `is longer than ${MAX_EMAIL_LENGTH} characters`);
      continue;
    }
    if (!emailSchema.safeParse(email).success) {
      reject('email', email === '' ? 'is empty' : `"${email}" is not an email address`);
      continue;
    }
    const firstLine = seen.get(email);
    if (firstLine !== undefined) {
      reject('email', `${email} already appears on line ${firstLine}`);
      continue;
    }
    seen.set(email, row.line);
    const unitPath = row.fields[unitColumn].split(UNIT_PATH_SEPARATOR.trim()).map((name) => name.trim());
    const badUnit = invalidUnitPath(row.fields[unitColumn], unitPath);
    if (badUnit) {
      reject('orgUnit', badUnit);
      continue;
    }
    root ??= unitPath[0];
    if (unitPath[0] !== root) {
      reject('orgUnit', `must start at the organization root "${root}", like the rows before it`);
      continue;
    }
    const locale = localeColumn >= 0 ? row.fields[localeColumn].trim().toLowerCase() : '';
    if (locale !== '' && !localeSchema.safeParse(locale).success) {
      reject('locale', `"${locale}" is not a language invitations are written in (${INVITATION_LOCALES.join(', ')})`);
      continue;
    }
    const attributes: Record<string, string> = {};
    const tooLong = attributeNames.find((name) => row.fields[columns.indexOf(name)].trim().length > 80);
    if (tooLong !== undefined) {
      // The row is refused whole, like every other bad row (it once went in without that attribute).
      reject(tooLong, 'is longer than 80 characters');
      continue;
    }
    for (const name of attributeNames) {
      const value = row.fields[columns.indexOf(name)].trim();
      if (value !== '') attributes[name] = value;
    }
    people.push({ email, unitPath, attributes, ...(locale ? { locale } : {}) });
  }
  return result(people, attributeNames);
}

function invalidUnitPath(raw: string, parts: string[]): string | undefined {
  if (raw.trim() === '') return 'is empty';
  // The separator is " > ", so a ">" that is not surrounded by spaces sits inside a name.
  if (raw.split(UNIT_PATH_SEPARATOR).length !== parts.length) return 'a unit name may not contain ">"';
  if (parts.some((name) => name === '')) return 'has an empty unit name';
  if (parts.some((name) => name.length > 120)) return 'has a unit name longer than 120 characters';
  if (parts.length > MAX_UNIT_DEPTH) return `is more than ${MAX_UNIT_DEPTH} levels deep`;
  return undefined;
}
