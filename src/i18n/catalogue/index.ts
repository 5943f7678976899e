import { common } from './common.js';
import { io } from './io.js';
import { auth } from './auth.js';
import { cli } from './cli.js';
import { commands } from './commands.js';
import { ops } from './ops.js';
import { files } from './files.js';
import { archives } from './archives.js';
import { database } from './database.js';
import { hours } from './hours.js';
import { integrate } from './integrate.js';
import { outputs } from './outputs.js';
import { roster } from './roster.js';
import { terminal } from './terminal.js';
import { demo } from './demo.js';
import { anomalies } from './anomalies.js';
import { certs } from './certs.js';
import { close } from './close.js';
import { essays } from './essays.js';
import { fit } from './fit.js';
import { forgive } from './forgive.js';
import { inputs } from './inputs.js';
import { listings } from './listings.js';
import { options } from './options.js';
import { remind } from './remind.js';
import { report } from './report.js';
import { reportperf } from './reportperf.js';
import { review } from './review.js';
import { sheets } from './sheets.js';
import { zh } from './zh.js';
import { assign } from './assign.js';

export interface Section {
  zh: Record<string, string>;
  en: Record<string, string>;
}

export const sections: Section[] = [common, io, auth, cli, commands, ops, files, archives, database, hours, integrate, outputs, roster, terminal, demo, anomalies, certs, close, essays, fit, forgive, inputs, listings, options, remind, report, reportperf, review, sheets, zh, assign];
