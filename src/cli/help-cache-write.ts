/**
 * Keeps the help text of a bare `cadre --help` (read back by the launcher,
 * src/cli/help-cache.ts) through the one atomic-file helper: a temporary
 * created exclusively, never through a symbolic link, 0644, renamed over the
 * cache's name. A cache folder that is a symbolic link is not written into;
 * a cache that cannot be written (a read-only installation) only means the
 * help is rendered each time. Loaded only after help was shown, never by the
 * launcher.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic-file.js';

export function writeHelpCache(file: string, text: string): void {
  try {
    const dir = path.dirname(file);
    // Readable by every user of the installation, like the build beside it.
    try {
      fs.mkdirSync(dir, { mode: 0o755 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (!fs.lstatSync(dir).isDirectory()) return;
    writeFileAtomic(file, text, { mode: 0o644, overwrite: true, noSync: true });
  } catch {
    // A read-only installation: the help is rendered each time.
  }
}
