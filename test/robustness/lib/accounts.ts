/**
 * Rounds for the accounts' reliability (issue 9):
 *
 * - `resetRaceRounds`: two `issue-accounts --reset` of one learner started at
 *   once, round after round. A reset that reports success has its
 *   credentials file and journal entry; the password that works is the one
 *   of the reset that committed last; a reset that lost says so (exit 2) and
 *   left no file.
 * - `killRounds`: `issue-accounts` of a roster of new cadres killed with
 *   SIGKILL at a random moment, then another run on the same database. The
 *   killed run's accounts exist exactly when its credentials file does (and
 *   holds exactly their learner IDs); no temporary or marker is left.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { cadre, checkpoint, copyDb, makeWorkspace, NO_CRASH, prng, sleep, spawnCadre, type Workspace } from './cadre.js';

const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => /\.cadre-tmp$|\.pending$/.test(n));

function learnerIdsIn(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',')[0]!);
}

function passwordIn(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/)[1]!.split(',')[4]!;
}

export interface ResetRaceSummary {
  rounds: number;
  /** Rounds where one reset found the other had committed meanwhile. */
  raced: number;
  /** Rounds where both succeeded, one after the other. */
  sequential: number;
}

export async function resetRaceRounds(rounds: number, ws?: Workspace): Promise<ResetRaceSummary> {
  const w = ws ?? (await makeWorkspace(2));
  const id = w.ids[0]!;
  const summary: ResetRaceSummary = { rounds, raced: 0, sequential: 0 };
  for (let k = 0; k < rounds; k++) {
    const outs = [`r${k}-a.csv`, `r${k}-b.csv`];
    const exits = await Promise.all(outs.map((out) => spawnCadre(['issue-accounts', '--reset', id, '--out', out], { cwd: w.dir, env: w.env }).done));
    const won: string[] = [];
    exits.forEach((e, i) => {
      expect(e.stderr).not.toMatch(NO_CRASH);
      const file = path.join(w.dir, outs[i]!);
      if (e.code === 0) {
        expect(e.stderr).toMatch(/new initial passwords issued to 1 learner/);
        expect(fs.existsSync(file), e.stderr).toBe(true);
        won.push(outs[i]!);
      } else {
        expect(e.code, e.stderr).toBe(2);
        expect(e.stderr).toMatch(/another reset changed the password of .* while this one was being prepared; nothing was changed by this one and no credentials file was written/);
        expect(fs.existsSync(file)).toBe(false);
      }
    });
    expect(won.length).toBeGreaterThan(0);
    if (won.length === 1) summary.raced++;
    else summary.sequential++;
    // The journal has one entry per success, and the last one's password is the one that works.
    const db = new Database(w.db, { readonly: true });
    const entries = db.prepare("SELECT json_extract(args, '$.out') AS out FROM journal WHERE command = 'issue-accounts --reset' ORDER BY id DESC LIMIT ?").all(won.length) as { out: string }[];
    db.close();
    expect(entries.map((e) => path.basename(e.out)).sort()).toEqual([...won].sort());
    const last = path.join(w.dir, path.basename(entries[0]!.out));
    const v = await cadre(['verify', id, '--password-stdin'], { cwd: w.dir, env: w.env, input: `${passwordIn(last)}\n` });
    expect(v.code, v.stderr).toBe(0);
    expect(leftovers(w.dir)).toEqual([]);
  }
  return summary;
}

export interface KillSummary {
  rounds: number;
  committed: number;
  rolledBack: number;
}

export async function killRounds(rounds: number, seed: number, newCadres = 200): Promise<KillSummary> {
  const w = await makeWorkspace(1);
  checkpoint(w.db);
  const base = path.join(w.dir, 'base.db');
  copyDb(w.db, base);
  const lines = ['staff_no,name,department,rank,appointed_on'];
  for (let i = 1; i <= newCadres; i++) lines.push(`N${i},新人${i},理学院,section,2025-09-01`);
  fs.writeFileSync(path.join(w.dir, 'new.csv'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(w.dir, 'one.csv'), 'staff_no,name,department,rank,appointed_on\nZ1,再一,文学院,section,2025-09-01\n');
  const round = path.join(w.dir, 'round.db');
  const env = { CADRE_DB: round };
  // Calibrate: the length of an unkilled run.
  copyDb(base, round);
  const calib = await cadre(['issue-accounts', 'new.csv', '--out', 'calib.csv'], { cwd: w.dir, env });
  expect(calib.code, calib.stderr).toBe(0);
  const rand = prng(seed);
  const summary: KillSummary = { rounds, committed: 0, rolledBack: 0 };
  for (let k = 0; k < rounds; k++) {
    copyDb(base, round);
    const out = path.join(w.dir, `k${k}.csv`);
    const run = spawnCadre(['issue-accounts', 'new.csv', '--out', out], { cwd: w.dir, env });
    await sleep(rand() * calib.ms * 1.1);
    run.child.kill('SIGKILL');
    await run.done;
    // The next run on the database cleans up after a killed one.
    const next = await cadre(['issue-accounts', 'one.csv', '--out', `k${k}-next.csv`], { cwd: w.dir, env });
    expect(next.code, next.stderr).toBe(0);
    const db = new Database(round, { readonly: true });
    const made = db.prepare("SELECT learner_id FROM cadres WHERE staff_no LIKE 'N%' ORDER BY learner_id").pluck().all() as string[];
    db.close();
    if (made.length) {
      summary.committed++;
      expect(made).toHaveLength(newCadres);
      expect(fs.existsSync(out)).toBe(true);
      expect(learnerIdsIn(out).sort()).toEqual(made);
    } else {
      summary.rolledBack++;
      expect(fs.existsSync(out), `round ${k}: passwords of accounts that do not exist`).toBe(false);
    }
    expect(leftovers(w.dir)).toEqual([]);
  }
  return summary;
}
