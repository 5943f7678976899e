/** The version `cadre --version` prints (bin/cadre.js prints it without loading the program). */
export const VERSION = '0.1.0';
