/**
 * The values an option takes as people type them: `--rank 处级`, `--kind 心得体会`,
 * `--requirement 平台学时`, `--status 通过`, `--year 2025-2026学年`. Each set maps
 * every accepted word to its one canonical value (the one the options object,
 * the database and the JSON carry); `--help` lists the canonical values and the
 * words shown beside them. Pure: the CLI applies these before a command runs.
 *
 * Words are compared after NFKC (full-width letters and brackets as
 * half-width), lower-cased, with every space removed.
 */

/** The option value sets, by name (OptionDef.values in src/cli/program.ts). */
export type ValueSetName = 'rank' | 'essayKind' | 'essayStatus' | 'essayListStatus' | 'requirement' | 'batchKind' | 'accountState';

export interface ValueSet {
  /** The canonical values, in the order help lists them. */
  values: readonly string[];
  /** Every accepted word (canonical values included), as compared (wordKey), → its canonical value. */
  words: ReadonlyMap<string, string>;
  /** The Chinese word shown beside each canonical value in help and errors. */
  shown: Readonly<Record<string, string>>;
}

/** A typed word as compared: NFKC, lower case, no spaces. */
export function wordKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

function set(words: Record<string, readonly string[]>, shown: Record<string, string>): ValueSet {
  const map = new Map<string, string>();
  for (const [value, list] of Object.entries(words)) {
    for (const w of [value, ...list]) {
      const k = wordKey(w);
      const seen = map.get(k);
      if (seen !== undefined && seen !== value) throw new Error(`option word ${w} means both ${seen} and ${value}`);
      map.set(k, value);
    }
  }
  return { values: Object.keys(words), words: map, shown };
}

/**
 * Ranks as a roster writes them. The seed policy's `rank_words` (which the
 * roster reads) and this list are held equal by test/core/option-values.test.ts.
 */
export const RANK_WORDS: Record<'division' | 'section', readonly string[]> = {
  division: ['处级', '处级干部', '正处', '副处', '正处级', '副处级', '正处级干部', '副处级干部', '处长', '副处长', 'division-level', 'division level'],
  section: ['科级', '科级干部', '正科', '副科', '正科级', '副科级', '正科级干部', '副科级干部', '科长', '副科长', 'section-level', 'section level'],
};

/** Essay kinds, as `--kind` and an essay file's 类型 column write them. */
export const ESSAY_KIND_WORDS: Record<'reflection' | 'report', readonly string[]> = {
  reflection: ['心得体会', '心得', '学习心得', '体会'],
  report: ['调研报告', '论文', '报告', '调研报告/论文', 'research report', 'paper'],
};

/** Review states, as `--status` and an essay file's 状态 column write them. */
export const ESSAY_STATUS_WORDS: Record<'approved' | 'pending' | 'rejected', readonly string[]> = {
  approved: ['通过', '已通过', '合格', '审核通过'],
  pending: ['待审', '待审核', '审核中', '未审核'],
  rejected: ['未通过', '不通过', '退回', '不合格'],
};

const SETS: Record<ValueSetName, ValueSet> = {
  rank: set(RANK_WORDS, { division: '处级', section: '科级' }),
  essayKind: set(ESSAY_KIND_WORDS, { reflection: '心得体会', report: '调研报告' }),
  essayStatus: set(ESSAY_STATUS_WORDS, { approved: '通过', pending: '待审核', rejected: '未通过' }),
  // `cadre essays --status`: the review states, 退回修改 and the essays held for similarity (flagged).
  essayListStatus: set(
    {
      pending: ESSAY_STATUS_WORDS.pending,
      returned: ['退回修改', '已退回', '退回', '待修改', '退修'],
      flagged: ['查重待审', '疑似抄袭', '查重', '被标记', '标记'],
      approved: ESSAY_STATUS_WORDS.approved,
      rejected: ['未通过', '不通过', '不合格'],
    },
    { pending: '待审核', returned: '退回修改', flagged: '查重待审', approved: '通过', rejected: '未通过' },
  ),
  requirement: set(
    {
      total: ['总学分', '学分', '任期总学分', '总分', 'total credits'],
      training: ['专题培训', '培训', 'topic training'],
      report: ['调研报告', '调研报告/论文', '论文', '报告', 'research report'],
      hours: ['平台学时', '学时', '网络学时', '在线学时', 'platform hours'],
      required: ['必修课', '必修', '必修课学时', '必修学时', 'required courses', 'required-course hours'],
      reflection: ['心得体会', '心得', '学习心得'],
    },
    { total: '总学分', training: '专题培训', report: '调研报告', hours: '平台学时', required: '必修课', reflection: '心得体会' },
  ),
  batchKind: set(
    { hours: ['学时', '平台学时'], training: ['专题培训', '培训'], exams: ['考试', '摸底考试', 'exam'], essays: ['文章', '心得体会', '调研报告', 'essay'] },
    { hours: '学时', training: '专题培训', exams: '考试', essays: '文章' },
  ),
  accountState: set(
    { initial: ['初始', '初始密码', 'initial password'], expired: ['过期', '已过期', '初始密码已过期', 'initial password expired'], changed: ['已修改', '已改密', '修改'], locked: ['锁定', '已锁定'] },
    { initial: '初始密码', expired: '已过期', changed: '已修改', locked: '已锁定' },
  ),
};

export function valueSet(name: ValueSetName): ValueSet {
  return SETS[name];
}

/** The canonical value a typed word means in `name`, or null. */
export function readOptionValue(name: ValueSetName, text: string): string | null {
  return SETS[name].words.get(wordKey(text)) ?? null;
}

// ---------------------------------------------------------------- academic years

/**
 * An academic year as people write it → its first calendar year:
 * `2025`, `2025-2026`, `2025—2026`, `2025～2026`, `2025至2026`, `2025-26`,
 * each optionally followed by 学年 or 年度, full-width digits too. The second
 * year must follow the first. Null for anything else.
 */
export function parseAcademicYear(text: string): number | null {
  const v = text.normalize('NFKC').trim().replace(/\s*(学年度|学年|年度)$/u, '').replace(/\s+/gu, '');
  let m = /^(\d{4})年?$/u.exec(v);
  if (m) return Number(m[1]);
  m = /^(\d{4})年?[-‐‑‒–—―~〜～至到/](\d{4}|\d{2})年?$/u.exec(v);
  if (!m) return null;
  const first = Number(m[1]);
  const follows = m[2].length === 4 ? Number(m[2]) === first + 1 : Number(m[2]) === (first + 1) % 100;
  return follows ? first : null;
}

// ---------------------------------------------------------------- departments

/** A department as compared: NFKC (full-width brackets and letters as half-width), no spaces, lower case. */
export function departmentKey(text: string): string {
  return wordKey(text);
}

/** Edit distance of two strings by code point (insert, delete, substitute: 1 each). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

export type DepartmentMatch = { ok: true; departments: string[] } | { ok: false; nearest: string[] };

/**
 * The departments on file that `typed` names: those equal to it after NFKC and
 * with spaces ignored (`财务处（计划财务）` = `财务处(计划财务)`). When none is, the
 * nearest few, nearest first: those containing what was typed (or contained in
 * it), then those within an edit distance of half its length.
 */
export function matchDepartment(typed: string, departments: readonly string[], limit = 5): DepartmentMatch {
  const key = departmentKey(typed);
  const unique = [...new Set(departments)];
  const exact = unique.filter((d) => departmentKey(d) === key);
  if (exact.length) return { ok: true, departments: exact };
  if (key === '') return { ok: false, nearest: [] };
  const scored: { d: string; score: number }[] = [];
  for (const d of unique) {
    const k = departmentKey(d);
    if (k === '') continue;
    if (k.includes(key) || key.includes(k)) scored.push({ d, score: Math.abs(k.length - key.length) / 100 });
    else {
      const dist = editDistance(k, key);
      if (dist * 2 <= Math.max([...key].length, 2)) scored.push({ d, score: dist });
    }
  }
  scored.sort((a, b) => a.score - b.score || (a.d < b.d ? -1 : a.d > b.d ? 1 : 0));
  return { ok: false, nearest: scored.slice(0, limit).map((s) => s.d) };
}
