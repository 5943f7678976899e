/**
 * The province's data for `npm run bench -- --province`, generated once per
 * seed and PROVINCE_VERSION into bench-out/data/province/ (stamp.json), each
 * file written as it is generated (the 20M rows never sit in memory).
 *
 *   node test/bench/province-data.js DIR     (generates, or keeps what is there)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVINCE_CADRES, PROVINCE_FROM, PROVINCE_ROWS, PROVINCE_TO, PROVINCE_VERSION, PROVINCE_WEEK_ROWS, SEED, WEEK_FROM, WEEK_TO, makeProvinceRoster, writeHours, writeRoster } from './gen.js';

export function provinceFiles(dataDir) {
  const d = path.join(dataDir, 'province');
  return {
    dir: d,
    roster: path.join(d, `roster-${PROVINCE_CADRES}.csv`),
    hours: path.join(d, `hours-${PROVINCE_ROWS}.csv`),
    week: path.join(d, `week-${PROVINCE_WEEK_ROWS}.csv`),
    // issue-accounts is measured on slices of the roster (its own cadres, staff numbers after the 320,000).
    accounts: (n) => path.join(d, `accounts-${n}.csv`),
  };
}

/** Generates what is missing or stale; returns the file names. */
export function provinceData(dataDir, log = (s) => process.stderr.write(`${s}\n`), accountSizes = []) {
  const f = provinceFiles(dataDir);
  fs.mkdirSync(f.dir, { recursive: true });
  const stamp = path.join(f.dir, 'stamp.json');
  const want = JSON.stringify({ seed: SEED, version: PROVINCE_VERSION });
  const fresh = fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want;
  if (!fresh || ![f.roster, f.hours, f.week].every((x) => fs.existsSync(x))) {
    fs.rmSync(stamp, { force: true });
    log(`generating the province in ${f.dir} (seed ${SEED}, version ${PROVINCE_VERSION}; 1.6 GB, a few minutes, once) …`);
    const t = Date.now();
    const roster = makeProvinceRoster(PROVINCE_CADRES, SEED);
    writeRoster(f.roster, roster);
    const bytes = writeHours(f.hours + '.part', roster, PROVINCE_ROWS, SEED + 11, { from: PROVINCE_FROM, to: PROVINCE_TO });
    fs.renameSync(f.hours + '.part', f.hours);
    writeHours(f.week + '.part', roster, PROVINCE_WEEK_ROWS, SEED + 12, { from: WEEK_FROM, to: WEEK_TO });
    fs.renameSync(f.week + '.part', f.week);
    fs.writeFileSync(stamp, want);
    log(`  ${(bytes / 1e9).toFixed(2)} GB of hours in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  for (const n of accountSizes) {
    const file = f.accounts(n);
    if (fs.existsSync(file) && fresh) continue;
    // Cadres of their own (P1000001 …), drawn from another seed, so they can go into any database.
    const more = makeProvinceRoster(n, SEED + 13).map((c, i) => ({ ...c, staffNo: `P${String(1_000_001 + i)}` }));
    writeRoster(file, more);
  }
  return f;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) provinceData(path.resolve(process.argv[2] || 'bench-out/data'));
