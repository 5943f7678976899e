/**
 * Passwords: the random initial password, scrypt hashing in a PHC-style string,
 * verification in constant time, and the rules a new password must pass.
 *
 * Stored form (one string, parameters beside the hash, so they can be raised
 * later without losing the old hashes):
 *
 *     $scrypt$ln=17,r=8,p=1$<salt>$<hash>
 *
 * `ln` is log2 of scrypt's cost N; salt (16 random bytes) and hash (32 bytes)
 * are standard base64 without padding, as the PHC string format prescribes.
 * Passwords are hashed in Unicode NFC, so the same text typed on two systems
 * that compose accents differently verifies the same.
 */
import { randomBytes as cryptoRandomBytes, randomFillSync, scrypt, timingSafeEqual } from 'node:crypto';
import type { Msg } from '../errors.js';
import { msg } from '../errors.js';
import { isCommonPassword, normalizeForComparison } from './common-passwords.js';

/**
 * The symbols of an initial password: upper- and lower-case letters and digits
 * that cannot be mistaken for one another when read off a printed credentials
 * sheet or a spreadsheet cell and typed in. Left out:
 *
 * - `0 O o` and `1 l I` (the classic look-alikes);
 * - `2 Z`, `5 S`, `6 G`, `8 B`, `D`, `Q` (pwgen's "ambiguous" set: 2/Z/z,
 *   5/S/s, 6/G/b, 8/B, D/O/0, Q/O);
 * - `9 q` (9/q/g in many sans-serif fonts; `g` stays, alone it is unambiguous);
 * - the upper case of letters whose two cases differ only in size
 *   (`C K P U V W X Y`; the lower-case `c k p u v w x y` stay), so a
 *   password read aloud or copied by hand cannot go wrong on case.
 *
 * 10 upper-case letters + 23 lower-case letters + 3 digits = 36 symbols,
 * log2(36) ≈ 5.17 bits each.
 */
export const PASSWORD_ALPHABET = 'AEFHJLMNRT' + 'abcdefghijkmnprstuvwxyz' + '347';

/** Minimum entropy and length of an initial password (SPEC: ≥ 60 bits, ≥ 12 characters). */
export const MIN_INITIAL_BITS = 60;
export const MIN_INITIAL_LENGTH = 12;

const BITS_PER_SYMBOL = Math.log2(PASSWORD_ALPHABET.length);

/** The shortest length that meets both minimums (12 with the alphabet above: ≈ 62.0 bits). */
export const INITIAL_PASSWORD_LENGTH = Math.max(
  MIN_INITIAL_LENGTH,
  Math.ceil(MIN_INITIAL_BITS / BITS_PER_SYMBOL),
);

/** Entropy in bits of a generated password of `length` symbols (default: the issued length). */
export function initialPasswordBits(length: number = INITIAL_PASSWORD_LENGTH): number {
  return length * BITS_PER_SYMBOL;
}

/** A source of random bytes, e.g. `crypto.randomBytes`; tests inject their own. */
export type RandomBytes = (size: number) => Uint8Array;

/**
 * A random password of `length` symbols drawn uniformly from PASSWORD_ALPHABET.
 * Each symbol comes from one random byte by rejection sampling: bytes at or
 * above the largest multiple of the alphabet size (252 for 36) are discarded,
 * the rest are taken modulo the size, so every symbol is exactly equally likely.
 */
export function generateInitialPassword(
  length: number = INITIAL_PASSWORD_LENGTH,
  randomBytes: RandomBytes = cryptoRandomBytes,
): string {
  if (!Number.isInteger(length) || length < 1 || length > 1024) {
    throw new RangeError(`password length must be an integer from 1 to 1024, got ${length}`);
  }
  const size = PASSWORD_ALPHABET.length;
  const limit = 256 - (256 % size);
  let out = '';
  while (out.length < length) {
    const need = length - out.length;
    // A few spare bytes so that one call nearly always suffices (acceptance 252/256).
    const bytes = randomBytes(need + 8);
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const b = bytes[i]!;
      if (b < limit) out += PASSWORD_ALPHABET[b % size];
    }
  }
  return out;
}

/**
 * The initial passwords of many accounts, packed: INITIAL_PASSWORD_LENGTH
 * ASCII bytes each in one buffer (320,000 strings would hold some 13 MB of
 * heap for the whole of their hashing; this is 3.8 MB outside it). `at(i)`
 * gives password `i` as a string.
 */
export class InitialPasswords {
  private readonly bytes: Buffer;
  constructor(
    readonly length: number,
    randomBytes: RandomBytes = cryptoRandomBytes,
  ) {
    this.bytes = Buffer.alloc(length * INITIAL_PASSWORD_LENGTH);
    for (let i = 0; i < length; i++) this.bytes.write(generateInitialPassword(INITIAL_PASSWORD_LENGTH, randomBytes), i * INITIAL_PASSWORD_LENGTH, 'latin1');
  }

  at(i: number): string {
    return this.bytes.toString('latin1', i * INITIAL_PASSWORD_LENGTH, (i + 1) * INITIAL_PASSWORD_LENGTH);
  }
}

/* ------------------------------------------------------------------ hashing */

/** scrypt parameters: N = 2^ln, block size r, parallelism p. */
export interface HashParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/**
 * For random initial passwords (≥ 60 bits). Their strength is in the entropy,
 * not in the work factor: at 2^62 guesses even a cheap hash is out of reach, so
 * a light cost keeps issuing a thousand accounts fast (N = 2^13, 8 MiB).
 */
export const INITIAL_HASH_PARAMS: HashParams = Object.freeze({ ln: 13, r: 8, p: 1 });

/** For passwords people choose: OWASP's scrypt recommendation (N = 2^17, r = 8, p = 1, 128 MiB). */
export const CHOSEN_HASH_PARAMS: HashParams = Object.freeze({ ln: 17, r: 8, p: 1 });

export const SALT_BYTES = 16;
export const KEY_BYTES = 32;

/** Bounds accepted when reading a stored string, so a corrupt one cannot demand gigabytes. */
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;

function validParams(params: HashParams): boolean {
  const { ln, r, p } = params;
  return (
    Number.isInteger(ln) && ln >= 1 && ln <= MAX_LN &&
    Number.isInteger(r) && r >= 1 && r <= MAX_R &&
    Number.isInteger(p) && p >= 1 && p <= MAX_P
  );
}

/** scrypt needs about 128·N·r bytes (plus 128·r·p); allow twice that (256 MiB for OWASP's). */
function maxmemFor(params: HashParams): number {
  return 2 * 128 * params.r * (2 ** params.ln + params.p + 2);
}

/** scrypt as hashing and checking run it: `derive` below; tests pass their own (to count the checks). */
export type Derive = (password: string, salt: Uint8Array, keylen: number, params: HashParams) => Promise<Buffer>;

export function derive(password: string, salt: Uint8Array, keylen: number, params: HashParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      keylen,
      { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: maxmemFor(params) },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

const B64 = /^[A-Za-z0-9+/]+$/;

function toB64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

function fromB64(text: string): Buffer | null {
  if (!B64.test(text) || text.length % 4 === 1) return null;
  return Buffer.from(text, 'base64');
}

interface Parsed {
  params: HashParams;
  salt: Buffer;
  hash: Buffer;
}

/** Parses `$scrypt$ln=…,r=…,p=…$salt$hash`; null when it is not exactly that. */
function parse(stored: unknown): Parsed | null {
  if (typeof stored !== 'string') return null;
  const parts = stored.split('$');
  if (parts.length !== 5 || parts[0] !== '' || parts[1] !== 'scrypt') return null;
  const m = /^ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})$/.exec(parts[2]!);
  if (!m) return null;
  const params: HashParams = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (!validParams(params)) return null;
  const salt = fromB64(parts[3]!);
  const hash = fromB64(parts[4]!);
  if (!salt || !hash || salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { params, salt, hash };
}

/** The stored string of a hash: `$scrypt$ln=…,r=…,p=…$<salt>$<key>`. */
function phc(params: HashParams, salt: Uint8Array, key: Uint8Array): string {
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${toB64(salt)}$${toB64(key)}`;
}

/** Hashes with a fresh 16-byte salt; resolves to the PHC-style string to store. */
export async function hashPassword(password: string, params: HashParams): Promise<string> {
  if (!validParams(params)) throw new RangeError(`invalid scrypt parameters ${JSON.stringify(params)}`);
  const salt = cryptoRandomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return phc(params, salt, key);
}

const PACKED_BYTES = SALT_BYTES + KEY_BYTES;

/**
 * Many hashes at one set of parameters, packed: each one's salt and key (48
 * bytes) in one buffer, outside the heap, and its stored string made only
 * when it is asked for (`at`). A roster of 320,000 holds 15 MB so, where
 * 320,000 strings of some 100 characters, each built of a dozen pieces,
 * held several times that.
 */
export class PackedHashes {
  readonly bytes: Buffer;
  constructor(
    readonly params: HashParams,
    readonly length: number,
  ) {
    this.bytes = Buffer.alloc(length * PACKED_BYTES);
  }

  /** The stored string of hash `i`, as hashPassword gives it. */
  at(i: number): string {
    const o = i * PACKED_BYTES;
    return phc(this.params, this.bytes.subarray(o, o + SALT_BYTES), this.bytes.subarray(o + SALT_BYTES, o + PACKED_BYTES));
  }
}

/**
 * Hashes each password (in order), each with a fresh salt, at most
 * `inFlight` at a time: enough to keep every thread of libuv's pool busy,
 * and no more, so a roster of 320,000 never queues 320,000 hashes (each a
 * pending job and its promise) at once. Resolves to the hashes packed.
 */
export async function hashPasswordsPacked(passwords: { readonly length: number; at(i: number): string | undefined }, params: HashParams, inFlight = 8): Promise<PackedHashes> {
  if (passwords.length && !validParams(params)) throw new RangeError(`invalid scrypt parameters ${JSON.stringify(params)}`);
  const out = new PackedHashes(params, passwords.length);
  let next = 0;
  const lane = async () => {
    while (next < passwords.length) {
      const i = next++;
      const o = i * PACKED_BYTES;
      const salt = out.bytes.subarray(o, o + SALT_BYTES);
      randomFillSync(salt);
      const key = await derive(passwords.at(i)!, salt, KEY_BYTES, params);
      out.bytes.set(key, o + SALT_BYTES);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(inFlight, passwords.length)) }, lane));
  return out;
}

/** hashPasswordsPacked, as the stored strings in the passwords' order. */
export async function hashPasswords(passwords: readonly string[], params: HashParams, inFlight = 8): Promise<string[]> {
  const packed = await hashPasswordsPacked(passwords, params, inFlight);
  return Array.from({ length: packed.length }, (_, i) => packed.at(i));
}

/**
 * True when `password` matches `stored`, using the parameters written in it.
 * Compares in constant time. A malformed or unreadable stored string gives
 * false, never an exception.
 */
export async function verifyPassword(password: string, stored: string, kdf: Derive = derive): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  return check(password, parsed, kdf);
}

async function check(password: string, parsed: Parsed, kdf: Derive): Promise<boolean> {
  let key: Buffer;
  try {
    key = await kdf(password, parsed.salt, parsed.hash.length, parsed.params);
  } catch {
    return false;
  }
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** The parameters of the two kinds of stored hash, initial and chosen: one derivation of each in every `verifyEvenly`. */
const EVEN_WORK: readonly HashParams[] = [INITIAL_HASH_PARAMS, CHOSEN_HASH_PARAMS];

const sameParams = (a: HashParams, b: HashParams): boolean => a.ln === b.ln && a.r === b.r && a.p === b.p;

/**
 * Checks `password` against `stored` with the same scrypt work whatever
 * there is to check, so the time taken says nothing about the account: one
 * derivation at the initial-password parameters and one at the chosen ones,
 * always, run side by side (the time of the longer one). The stored hash's
 * own check stands in for the one of its parameters; the other is done with
 * a throw-away salt. With `stored` null (no such learner, a locked or
 * expired account: nothing may be checked) both are throw-away, and the
 * answer is false. A hash under other parameters (an old one, to be
 * rehashed) is checked on top of the two.
 */
export async function verifyEvenly(password: string, stored: string | null, kdf: Derive = derive): Promise<boolean> {
  const parsed = stored === null ? null : parse(stored);
  const own = parsed ? EVEN_WORK.findIndex((params) => sameParams(parsed.params, params)) : -1;
  const work = EVEN_WORK.map((params, i) =>
    i === own && parsed
      ? check(password, parsed, kdf)
      : kdf(password, cryptoRandomBytes(SALT_BYTES), KEY_BYTES, params).then(
          () => false,
          () => false, // throw-away work: its failure changes nothing
        ),
  );
  const results = await Promise.all(work);
  if (parsed && own < 0) return check(password, parsed, kdf);
  return own >= 0 && results[own] === true;
}

/**
 * True when `stored` should be replaced by a hash at `params` (do it after a
 * successful verify, while the password is at hand): it is malformed, or any
 * of its parameters, its salt or its key is weaker than the target.
 */
export function needsRehash(stored: string, params: HashParams): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  const s = parsed.params;
  return (
    s.ln < params.ln || s.r < params.r || s.p < params.p ||
    parsed.salt.length < SALT_BYTES || parsed.hash.length < KEY_BYTES
  );
}

/* ------------------------------------------------------ new-password rules */

/** The shortest password a person may choose (SPEC: minimum 8 characters). */
export const MIN_CHOSEN_LENGTH = 8;

export interface NewPasswordContext {
  learnerId: string;
  staffNo: string;
  /** The stored hash of the initial password, when the account still has one. */
  initialHash?: string | null;
}

/**
 * Why `candidate` may not become the new password, as a catalogue message that
 * also says what to do; null when it is acceptable. Rules, in this order:
 * at least 8 characters (Unicode code points); not the learner ID nor the
 * staff number (case-insensitive, surrounding spaces and full-width forms
 * ignored); not the initial password; not among the most common passwords.
 */
export async function checkNewPassword(candidate: string, ctx: NewPasswordContext): Promise<Msg | null> {
  const length = [...candidate].length;
  if (length < MIN_CHOSEN_LENGTH) {
    return msg('auth.password.tooShort', { length, min: MIN_CHOSEN_LENGTH });
  }
  const norm = normalizeForComparison(candidate);
  if (ctx.learnerId && norm === normalizeForComparison(ctx.learnerId)) {
    return msg('auth.password.isLearnerId');
  }
  if (ctx.staffNo && norm === normalizeForComparison(ctx.staffNo)) {
    return msg('auth.password.isStaffNo');
  }
  if (ctx.initialHash && (await verifyPassword(candidate, ctx.initialHash))) {
    return msg('auth.password.isInitial');
  }
  if (isCommonPassword(candidate)) {
    return msg('auth.password.common');
  }
  return null;
}
