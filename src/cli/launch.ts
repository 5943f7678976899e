/**
 * What bin/cadre.js reads before it loads the program, bundled on its own
 * as dist/bundle/launch.cjs (bin/bundle.mjs): the help cache and the name of
 * the command a command line gives.
 */
export { helpCachePath, readHelpCache } from './help-cache.js';
export { commandNameIn } from './argv.js';
