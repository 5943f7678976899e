/**
 * Files a killed run leaves beside the database or a backup (issue 9, item 9):
 * the temporaries of src/io/atomic-file.ts (`.<name>.<pid>.<hex>.cadre-tmp`,
 * which backups, the copy kept before a migration and the copy being restored
 * are written to before they are linked into place), the rollback journal
 * SQLite keeps beside such a temporary while it fills it (`…cadre-tmp-journal`),
 * and the working copy of a restore of earlier versions
 * (`<db>.restore-<pid>.tmp`). None is ever under a name a later run reads,
 * so none can be mistaken for a database or a backup; the next run that
 * writes in the folder removes those whose process is gone and says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from '../io/atomic-file.js';

export interface Leftover {
  file: string;
  pid: number;
}

const PATTERNS = [/^\..+\.(\d+)\.[0-9a-f]+\.cadre-tmp(?:-journal|-wal|-shm)?$/, /^.+\.restore-(\d+)\.tmp(?:-journal|-wal|-shm)?$/];

function alive(pid: number): boolean {
  return pid === process.pid || processAlive(pid);
}

/** The pid in the name of a temporary of this tool, if it is one. */
export function leftoverPid(name: string): number | undefined {
  for (const re of PATTERNS) {
    const m = re.exec(name);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Removes, from `dir`, the temporaries of runs whose process is gone; returns what it removed. */
export function removeLeftovers(dir: string): Leftover[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: Leftover[] = [];
  for (const name of names) {
    const pid = leftoverPid(name);
    if (!pid || alive(pid)) continue;
    const file = path.join(dir, name);
    try {
      if (!fs.lstatSync(file).isFile()) continue;
      fs.rmSync(file);
      removed.push({ file, pid });
    } catch {
      /* not ours to remove, or gone already */
    }
  }
  return removed;
}
