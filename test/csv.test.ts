import { describe, expect, it } from 'vitest';
import { csvCell, parseCsv, toCsv } from '../shared/csv.ts';
import { parseRoster } from '../shared/roster.ts';

describe('CSV', () => {
  it('reads quoted fields with commas, quotes and newlines, CRLF line ends and a byte-order mark', () => {
    const records = parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\r\n');
    expect(records.map((record) => record.fields)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', 'z'],
    ]);
    expect(records.map((record) => record.line)).toEqual([1, 2, 3]);
  });

  it('escapes cells a spreadsheet would run as formulas (OWASP CSV injection)', () => {
    expect(['=SUM(A1)', '+1', '-1', '@cmd', 'plain'].map(csvCell)).toEqual(["'=SUM(A1)", "'+1", "'-1", "'@cmd", 'plain']);
    expect(csvCell(-4)).toBe('-4');
    expect(toCsv([['a,b', 'c"d']])).toBe('"a,b","c""d"\r\n');
  });
});

describe('directory parsing', () => {
  it('turns rows into people with unit paths and attributes, leaving empty attribute values out', () => {
    const parsed = parseRoster('email,orgUnit,location,tenure\nAna@Acme.test,Acme > Technology > Squad Alpha,Stockholm,\nbo@acme.test,Acme,London,1-3y');
    expect(parsed.rejected).toEqual([]);
    expect(parsed.attributeNames).toEqual(['location', 'tenure']);
    expect(parsed.people).toEqual([
      { email: 'ana@acme.test', unitPath: ['Acme', 'Technology', 'Squad Alpha'], attributes: { location: 'Stockholm' } },
      { email: 'bo@acme.test', unitPath: ['Acme'], attributes: { location: 'London', tenure: '1-3y' } },
    ]);
  });

  it("reads the optional locale column as the language of a person's mail, not as a demographic attribute", () => {
    const parsed = parseRoster(
      'email,orgUnit,locale,site\na@acme.test,Acme,SV,Lund\nb@acme.test,Acme,,Lund\nc@acme.test,Acme,swedish,Lund\nd@acme.test,Acme,fr,Lund',
    );
    expect(parsed.attributeNames).toEqual(['site']);
    expect(parsed.people.map((person) => person.locale)).toEqual(['sv', undefined]);
    // "fr" is a language code, but no invitation is written in it: that person would be mailed in English.
    expect(parsed.rejected).toEqual([
      { line: 4, field: 'locale', message: '"swedish" is not a language invitations are written in (en, sv)' },
      { line: 5, field: 'locale', message: '"fr" is not a language invitations are written in (en, sv)' },
    ]);
  });

  it('reports every bad row with its line and field', () => {
    const parsed = parseRoster('email,orgUnit\nok@acme.test,Acme\nbad,Acme\nok@acme.test,Acme\nx@acme.test,Other\ny@acme.test,Acme > \nz@acme.test,Acme,extra');
    expect(parsed.rejected.map(({ line, field }) => [line, field])).toEqual([
      [3, 'email'],
      [4, 'email'],
      [5, 'orgUnit'],
      [6, 'orgUnit'],
      [7, 'row'],
    ]);
    expect(parsed.people).toHaveLength(1);
  });
});
