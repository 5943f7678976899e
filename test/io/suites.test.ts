/** The public CSV suites in test/fixtures/suites, read through openTable. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTable, type TableSpec } from '../../src/io/table.js';
import { collect, inputError, suitesDir } from './helpers.js';

const spectrum = path.join(suitesDir, 'csv-spectrum');
const rfc = path.join(suitesDir, 'rfc4180');
const names = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => f.slice(0, -4))
    .sort();

const specFor = (keys: string[]): TableSpec => ({ columns: keys.map((key) => ({ key, aliases: [] })), required: keys });

describe('csv-spectrum', () => {
  const cases = names(path.join(spectrum, 'csvs')).filter((n) => n !== 'location_coordinates');

  it('has its files', () => {
    expect(cases.length).toBe(11);
  });

  it.each(cases)('%s yields exactly the expected records', async (name) => {
    const expected = JSON.parse(readFileSync(path.join(spectrum, 'json', `${name}.json`), 'utf8')) as Record<string, string>[];
    const { header, records } = await openTable(path.join(spectrum, 'csvs', `${name}.csv`), specFor(Object.keys(expected[0])));
    expect(header.unknown).toEqual([]);
    const got = (await collect(records)).map((r) => {
      expect(r.problem).toBeUndefined();
      return { ...r.cells };
    });
    expect(got).toEqual(expected);
  });

  it('rejects location_coordinates (a bare quote in an unquoted field), naming line and column', async () => {
    const file = path.join(spectrum, 'csvs', 'location_coordinates.csv');
    const spec = specFor(['Contact Phone Number', 'Location Coordinates', 'Cities', 'Counties']);
    const e = await inputError(openTable(file, spec).then(({ records }) => collect(records)));
    expect(e.error.problems[0]).toMatchObject({ file, line: 2, column: 2, columnName: 'Location Coordinates' });
    expect(e.text).toMatch(/line 2, column 2/);
    expect(e.text).toMatch(/double quote/);
  });
});

describe('RFC 4180 section 2', () => {
  const cases = names(rfc);

  it('has its files', () => {
    expect(cases.length).toBe(7);
  });

  it.each(cases)('%s parses to the expected array of records', async (name) => {
    const expected = JSON.parse(readFileSync(path.join(rfc, `${name}.json`), 'utf8')) as string[][];
    // An empty spec knows no columns, so even rule 3's repeated names are just unknown columns here.
    const { header, records } = await openTable(path.join(rfc, `${name}.csv`), { columns: [], required: [] });
    const rows = [header.names, ...(await collect(records)).map((r) => r.raw)];
    expect(rows).toEqual(expected);
  });

  it('rule 3: an importer that uses the header names rejects the duplicates', async () => {
    const file = path.join(rfc, 'rule3_header.csv');
    const e = await inputError(openTable(file, specFor(['field_name'])));
    expect(e.error.problems.map((p) => [p.line, p.column])).toEqual([
      [1, 2],
      [1, 3],
    ]);
    expect(e.text).toMatch(/duplicate columns/);
  });
});
