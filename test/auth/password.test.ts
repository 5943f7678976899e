import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { commonPasswordCount, isCommonPassword } from '../../src/auth/common-passwords.js';
import {
  CHOSEN_HASH_PARAMS,
  INITIAL_HASH_PARAMS,
  INITIAL_PASSWORD_LENGTH,
  PASSWORD_ALPHABET,
  checkNewPassword,
  generateInitialPassword,
  hashPassword,
  initialPasswordBits,
  needsRehash,
  verifyPassword,
} from '../../src/auth/password.js';
import { auth } from '../../src/i18n/catalogue/auth.js';

describe('PASSWORD_ALPHABET', () => {
  it('has upper, lower letters and digits, no look-alikes, no repeats', () => {
    expect(PASSWORD_ALPHABET).toMatch(/[A-Z]/);
    expect(PASSWORD_ALPHABET).toMatch(/[a-z]/);
    expect(PASSWORD_ALPHABET).toMatch(/[0-9]/);
    expect(PASSWORD_ALPHABET).toMatch(/^[A-Za-z0-9]+$/);
    for (const c of '0Oo1lI') expect(PASSWORD_ALPHABET).not.toContain(c);
    expect(new Set(PASSWORD_ALPHABET).size).toBe(PASSWORD_ALPHABET.length);
  });
});

describe('generateInitialPassword', () => {
  it('is at least 12 characters and at least 60 bits', () => {
    expect(INITIAL_PASSWORD_LENGTH).toBeGreaterThanOrEqual(12);
    expect(generateInitialPassword()).toHaveLength(INITIAL_PASSWORD_LENGTH);
    expect(initialPasswordBits()).toBeGreaterThanOrEqual(60);
    expect(initialPasswordBits()).toBeCloseTo(INITIAL_PASSWORD_LENGTH * Math.log2(PASSWORD_ALPHABET.length), 10);
  });

  it('100,000 samples: no duplicate, only alphabet symbols, each symbol within ±5 % of uniform', () => {
    const n = 100_000;
    const seen = new Set<string>();
    const counts = new Map<string, number>();
    const allowed = new Set(PASSWORD_ALPHABET);
    let stray = 0;
    for (let i = 0; i < n; i++) {
      const pw = generateInitialPassword();
      seen.add(pw);
      for (const c of pw) {
        if (!allowed.has(c)) stray++;
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
    }
    expect(seen.size).toBe(n);
    expect(stray).toBe(0);
    const expected = (n * INITIAL_PASSWORD_LENGTH) / PASSWORD_ALPHABET.length;
    for (const c of PASSWORD_ALPHABET) {
      const got = counts.get(c) ?? 0;
      expect(Math.abs(got - expected) / expected, `symbol ${c}: ${got} vs ${expected}`).toBeLessThanOrEqual(0.05);
    }
  });

  it('rejects biased bytes instead of folding them (no modulo bias)', () => {
    const size = PASSWORD_ALPHABET.length;
    const limit = 256 - (256 % size);
    // A source that first offers only bytes in the rejected range, then 0, 1, 2 …
    let calls = 0;
    const source = (len: number): Uint8Array => {
      calls++;
      if (calls === 1) return Uint8Array.from({ length: len }, (_, i) => limit + (i % (256 - limit)));
      return Uint8Array.from({ length: len }, (_, i) => i);
    };
    const pw = generateInitialPassword(12, source);
    expect(calls).toBe(2);
    expect(pw).toBe(PASSWORD_ALPHABET.slice(0, 12));
    // Each accepted byte b maps to symbol b mod size: byte `size` is symbol 0 again.
    const wrap = generateInitialPassword(2, (len) => Uint8Array.from({ length: len }, () => size));
    expect(wrap).toBe(PASSWORD_ALPHABET[0]!.repeat(2));
  });

  it('honours the requested length and refuses nonsense', () => {
    expect(generateInitialPassword(20)).toHaveLength(20);
    expect(() => generateInitialPassword(0)).toThrow(RangeError);
    expect(() => generateInitialPassword(3.5)).toThrow(RangeError);
  });
});

describe('hashPassword / verifyPassword', () => {
  const pw = 'Correct horse battery staple';

  it('round-trips with the initial parameters', async () => {
    const initial = generateInitialPassword();
    const stored = await hashPassword(initial, INITIAL_HASH_PARAMS);
    const { ln, r, p } = INITIAL_HASH_PARAMS;
    expect(stored).toMatch(new RegExp(`^\\$scrypt\\$ln=${ln},r=${r},p=${p}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`));
    expect(stored).not.toContain(initial);
    expect(await verifyPassword(initial, stored)).toBe(true);
    const wrong = initial.slice(0, -1) + (initial.endsWith('a') ? 'b' : 'a');
    expect(await verifyPassword(wrong, stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('round-trips with the chosen (OWASP) parameters', async () => {
    expect(CHOSEN_HASH_PARAMS).toEqual({ ln: 17, r: 8, p: 1 });
    const stored = await hashPassword(pw, CHOSEN_HASH_PARAMS);
    expect(stored.startsWith('$scrypt$ln=17,r=8,p=1$')).toBe(true);
    expect(stored).not.toContain(pw);
    expect(stored).not.toContain(Buffer.from(pw).toString('base64').slice(0, 16));
    expect(await verifyPassword(pw, stored)).toBe(true);
    expect(await verifyPassword(pw + ' ', stored)).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const a = await hashPassword(pw, INITIAL_HASH_PARAMS);
    const b = await hashPassword(pw, INITIAL_HASH_PARAMS);
    expect(a).not.toBe(b);
    expect(await verifyPassword(pw, a)).toBe(true);
    expect(await verifyPassword(pw, b)).toBe(true);
  });

  it('verifies a hash made at other parameters from the stored string alone', async () => {
    const stored = await hashPassword(pw, { ln: 10, r: 4, p: 2 });
    expect(stored).toContain('$ln=10,r=4,p=2$');
    expect(await verifyPassword(pw, stored)).toBe(true);
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const stored = await hashPassword('caf\u00e9-密码-2025', INITIAL_HASH_PARAMS);
    expect(await verifyPassword('cafe\u0301-密码-2025', stored)).toBe(true);
  });

  it('gives false, never throws, on a malformed stored string', async () => {
    const good = await hashPassword(pw, INITIAL_HASH_PARAMS);
    const [, , params, salt, hash] = good.split('$');
    const bad: unknown[] = [
      '',
      'x',
      pw,
      '$scrypt$',
      `$bcrypt$${params}$${salt}$${hash}`,
      `scrypt$${params}$${salt}$${hash}`,
      `$scrypt$${params}$${salt}`,
      `$scrypt$${params}$${salt}$${hash}$extra`,
      `$scrypt$ln=13,r=8$${salt}$${hash}`,
      `$scrypt$ln=abc,r=8,p=1$${salt}$${hash}`,
      `$scrypt$ln=0,r=8,p=1$${salt}$${hash}`,
      `$scrypt$ln=40,r=8,p=1$${salt}$${hash}`,
      `$scrypt$ln=13,r=0,p=1$${salt}$${hash}`,
      `$scrypt$ln=13,r=8,p=999$${salt}$${hash}`,
      `$scrypt$${params}$${salt}$not*base64`,
      `$scrypt$${params}$$${hash}`,
      `$scrypt$${params}$${salt}$`,
      `$scrypt$${params}$${salt}$QUJD`,
      null,
      undefined,
      42,
    ];
    for (const s of bad) {
      await expect(verifyPassword(pw, s as string), String(s)).resolves.toBe(false);
    }
  });

  it('refuses to hash at invalid parameters', async () => {
    await expect(hashPassword(pw, { ln: 0, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });
});

describe('needsRehash', () => {
  const salt = randomBytes(16).toString('base64').replace(/=+$/, '');
  const key = randomBytes(32).toString('base64').replace(/=+$/, '');
  const at = (ln: number, r: number, p: number, s = salt, k = key) => `$scrypt$ln=${ln},r=${r},p=${p}$${s}$${k}`;

  it.each([
    ['same parameters', at(17, 8, 1), CHOSEN_HASH_PARAMS, false],
    ['stronger cost', at(18, 8, 1), CHOSEN_HASH_PARAMS, false],
    ['initial hash against chosen target', at(13, 8, 1), CHOSEN_HASH_PARAMS, true],
    ['lower r', at(17, 4, 1), CHOSEN_HASH_PARAMS, true],
    ['lower p', at(17, 8, 1), { ln: 17, r: 8, p: 2 }, true],
    ['short salt', at(17, 8, 1, randomBytes(8).toString('base64')), CHOSEN_HASH_PARAMS, true],
    ['short key', at(17, 8, 1, salt, randomBytes(16).toString('base64')), CHOSEN_HASH_PARAMS, true],
    ['malformed', 'garbage', CHOSEN_HASH_PARAMS, true],
    ['initial params against initial target', at(INITIAL_HASH_PARAMS.ln, 8, 1), INITIAL_HASH_PARAMS, false],
  ])('%s', (_name, stored, params, expected) => {
    expect(needsRehash(stored, params)).toBe(expected);
  });

  it('a fresh hash at the target needs none', async () => {
    expect(needsRehash(await hashPassword('whatever-it-is', INITIAL_HASH_PARAMS), INITIAL_HASH_PARAMS)).toBe(false);
  });
});

describe('checkNewPassword', () => {
  const initial = 'hJ3kaMtRe7xw';
  let initialHash = '';
  beforeAll(async () => {
    initialHash = await hashPassword(initial, INITIAL_HASH_PARAMS);
  });
  const base = { learnerId: 'XK24A7Q9R3', staffNo: '20081234' };

  it.each([
    // [candidate, expected key or null, note]
    ['', 'auth.password.tooShort', 'empty'],
    ['abc', 'auth.password.tooShort', 'three characters'],
    ['Zq8#mw!', 'auth.password.tooShort', 'seven characters'],
    ['密码密码密码密', 'auth.password.tooShort', 'seven CJK characters'],
    ['😀😀😀😀😀😀😀', 'auth.password.tooShort', 'seven code points, fourteen UTF-16 units'],
    ['XK24A7Q9R3', 'auth.password.isLearnerId', 'learner ID'],
    ['xk24a7q9r3', 'auth.password.isLearnerId', 'learner ID in lower case'],
    ['  Xk24A7q9r3  ', 'auth.password.isLearnerId', 'learner ID with spaces'],
    ['ＸＫ２４Ａ７Ｑ９Ｒ３', 'auth.password.isLearnerId', 'learner ID in full-width forms'],
    ['20081234', 'auth.password.isStaffNo', 'staff number'],
    [' 20081234\t', 'auth.password.isStaffNo', 'staff number with spaces'],
    [initial, 'auth.password.isInitial', 'initial password'],
    ['password', 'auth.password.common', 'common'],
    ['PassWord', 'auth.password.common', 'common, mixed case'],
    ['12345678', 'auth.password.common', 'common digits'],
    ['qwertyuiop', 'auth.password.common', 'common keyboard walk'],
    ['iloveyou', 'auth.password.common', 'common phrase'],
    ['  Sunshine1 ', 'auth.password.common', 'common, with spaces and capital'],
    ['Sunshine over Wuhan', null, 'not on the list'],
    ['Lanterns over the Yangtze 2025', null, 'a long phrase'],
    ['学习强国天天向上2025', null, 'a Chinese phrase'],
    ['XK24A7Q9R3!', null, 'learner ID plus a character is not the ID'],
    [initial.toLowerCase(), null, 'initial password in another case is not the initial password'],
  ] as [string, string | null, string][])('%j → %s (%s)', async (candidate, expected) => {
    const got = await checkNewPassword(candidate, { ...base, initialHash });
    expect(got?.key ?? null).toBe(expected);
    if (got) {
      expect(auth.en[got.key]).toBeTypeOf('string');
      expect(auth.zh[got.key]).toBeTypeOf('string');
    }
  });

  it('reports length and minimum with the too-short message', async () => {
    expect(await checkNewPassword('abc', base)).toEqual({ key: 'auth.password.tooShort', params: { length: 3, min: 8 } });
  });

  it('skips the initial-password rule when there is no initial hash', async () => {
    expect(await checkNewPassword(initial, { ...base, initialHash: null })).toBeNull();
    expect(await checkNewPassword(initial, base)).toBeNull();
  });

  it('a malformed initial hash does not block or throw', async () => {
    expect(await checkNewPassword(initial, { ...base, initialHash: 'broken' })).toBeNull();
  });
});

describe('common passwords', () => {
  it('ships at least 10,000 and knows the usual ones, case-insensitively', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
    for (const pw of ['123456', 'password', 'qwerty', '12345678', 'PASSWORD', ' 123456 ']) {
      expect(isCommonPassword(pw), pw).toBe(true);
    }
    expect(isCommonPassword('hJ3kaMtRe7xw')).toBe(false);
    expect(isCommonPassword('')).toBe(false);
  });
});

describe('auth catalogue', () => {
  it('has the same keys in both languages, all prefixed auth.', () => {
    expect(Object.keys(auth.zh).sort()).toEqual(Object.keys(auth.en).sort());
    for (const k of Object.keys(auth.en)) expect(k.startsWith('auth.')).toBe(true);
  });
});

describe('hashPasswords', () => {
  it('hashes every password, in order, a few at a time', async () => {
    const { hashPasswords, verifyPassword: verify } = await import('../../src/auth/password.js');
    const params = { ln: 4, r: 8, p: 1 };
    const passwords = Array.from({ length: 11 }, (_, i) => `Abcdefghjkmn${i}`);
    const hashes = await hashPasswords(passwords, params, 3);
    expect(hashes).toHaveLength(11);
    for (let i = 0; i < 11; i++) {
      expect(await verify(passwords[i], hashes[i])).toBe(true);
      expect(await verify(passwords[(i + 1) % 11], hashes[i])).toBe(false);
    }
    expect(await hashPasswords([], params)).toEqual([]);
  });
  it('packed: 48 bytes a hash, each one read back as its stored string, each with its own salt', async () => {
    const { hashPasswordsPacked, verifyPassword: verify } = await import('../../src/auth/password.js');
    const params = { ln: 4, r: 8, p: 1 };
    const passwords = Array.from({ length: 9 }, (_, i) => `Abcdefghjkmn${i}`);
    const packed = await hashPasswordsPacked(passwords, params, 4);
    expect(packed.length).toBe(9);
    expect(packed.bytes.length).toBe(9 * 48);
    const stored = passwords.map((_, i) => packed.at(i));
    expect(new Set(stored.map((h) => h.split('$')[3])).size).toBe(9);
    for (let i = 0; i < 9; i++) {
      expect(stored[i]).toMatch(/^\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
      expect(await verify(passwords[i], stored[i])).toBe(true);
      expect(await verify(passwords[(i + 1) % 9], stored[i])).toBe(false);
    }
  });
});
