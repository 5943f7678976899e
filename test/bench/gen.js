/**
 * Reproducible synthetic data for the bench, from a fixed seed: a roster of
 * cadres of both ranks and study-hour exports as the platform writes them
 * (UTF-8, Chinese header and course titles, one row per completed course,
 * sorted by date as weekly exports are).
 *
 * Every hour row is valid: its cadre is on the roster, appointed before the
 * first academic year of the data (so the row falls inside a term) and no
 * date is after 2026-08-31 (so none is after today).
 */
import fs from 'node:fs';
import { mulberry32 } from '../helpers/prng.mjs';

export const SEED = 20250901;
/** Bump when the generated data changes, so cached files are rebuilt. */
export const GENERATOR_VERSION = 1;

export const rng = mulberry32;

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯健俊帆帅旭宁欣悦晨阳瑶婷雪琳晶颖倩慧巧美淑惠珠翠雅芝莉月莹嘉琪博';
const DEPARTMENTS = [
  '计算机学院', '数学与统计学院', '物理学院', '化学与材料学院', '生命科学学院', '医学院', '护理学院', '药学院', '外国语学院', '人文学院',
  '法学院', '经济管理学院', '马克思主义学院', '教育学院', '体育学院', '美术学院', '音乐学院', '建筑工程学院', '机电工程学院', '电气工程学院',
  '党委办公室', '校长办公室', '组织部', '宣传部', '统战部', '纪委办公室', '人事处', '财务处', '教务处', '科研处',
  '学生工作部', '研究生院', '国际合作与交流处', '后勤管理处', '资产管理处', '审计处', '图书馆', '信息化办公室', '保卫处', '离退休工作处',
];
const RANKS = [['正处', 0.12], ['副处', 0.23], ['正科', 0.3], ['副科', 0.35]];
const TOPICS = [
  '习近平新时代中国特色社会主义思想概论', '党的二十大精神专题解读', '全面从严治党新要求', '高校内部治理体系建设', '现代大学制度与章程建设',
  '高等教育发展战略研究', '新时代高校思想政治工作', '意识形态工作责任制落实', '社会主义核心价值观教育', '中华优秀传统文化传承',
  '一流本科教育与专业建设', '研究生教育改革与质量保障', '科技创新与成果转化', '高校财务管理与内部控制', '国有资产管理实务',
  '依法治校与合规管理', '领导干部法治思维培养', '公文写作与政务信息', '应急管理与校园安全', '网络安全与数据治理',
  '数字化转型与智慧校园', '人才队伍建设与评价改革', '师德师风建设专题', '基层党组织建设实务', '统一战线工作概论',
  '巡视整改工作专题', '廉洁文化建设与警示教育', '乡村振兴战略与高校服务', '国家安全观专题学习', '生态文明建设与绿色校园',
];
const PARTS = ['讲座', '实践', '案例', '解读', '辅导', '交流', '研讨', '导读'];

export const COURSES = 3000;
export const FIRST_DAY = '2023-09-01';
export const LAST_DAY = '2026-08-31';
const DAY_MS = 86_400_000;
const dayOf = (iso) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const isoOf = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function staffNo(i) {
  return `S${String(100001 + i)}`;
}

export function courseCode(i) {
  return `K${String(i + 1).padStart(4, '0')}`;
}

function courseTitle(i) {
  const topic = TOPICS[i % TOPICS.length];
  const part = PARTS[Math.floor(i / TOPICS.length) % PARTS.length];
  const lecture = Math.floor(i / (TOPICS.length * PARTS.length)) + 1;
  return `${topic}${part}第${lecture}讲`;
}

/** The roster: `count` cadres, both ranks, appointed 2016-01-01 … 2023-08-31. */
export function makeRoster(count, seed = SEED) {
  const r = rng(seed);
  const from = dayOf('2016-01-01');
  const to = dayOf('2023-08-31');
  const rows = [];
  for (let i = 0; i < count; i++) {
    const name = SURNAMES[Math.floor(r() * SURNAMES.length)] + GIVEN[Math.floor(r() * GIVEN.length)] + (r() < 0.6 ? GIVEN[Math.floor(r() * GIVEN.length)] : '');
    const dept = DEPARTMENTS[Math.floor(r() * DEPARTMENTS.length)];
    let x = r();
    let rank = RANKS[RANKS.length - 1][0];
    for (const [word, p] of RANKS) {
      if (x < p) {
        rank = word;
        break;
      }
      x -= p;
    }
    const appointed = isoOf(from + Math.floor(r() * (to - from + 1)));
    rows.push({ staffNo: staffNo(i), name, dept, rank, appointed });
  }
  return rows;
}

export function writeRoster(file, roster) {
  const lines = ['工号,姓名,部门,职级,任职日期'];
  for (const c of roster) lines.push(`${c.staffNo},${c.name},${c.dept},${c.rank},${c.appointed}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

const HOURS = ['0.5', '1', '1', '1', '1', '1.5', '2', '2', '2', '3'];

/**
 * An hour export of `rows` rows over the three academic years 2023-2024 …
 * 2025-2026, sorted by date (weekday dates, term time busier than holidays),
 * for cadres drawn from `roster`, courses from a catalogue of 3,000 with a
 * few popular ones (`from`/`to`: another span of days). Written as it is
 * generated, 64 KB at a time, so a file of any size takes no more memory
 * than the roster. Returns the number of bytes written.
 */
export function writeHours(file, roster, rows, seed, { from = FIRST_DAY, to = LAST_DAY } = {}) {
  const r = rng(seed);
  const first = dayOf(from);
  const last = dayOf(to);
  // Weight of each day: weekdays 1, weekends 0.25, July/August and late January/February 0.4.
  const weights = [];
  let total = 0;
  for (let d = first; d <= last; d++) {
    const date = new Date(d * DAY_MS);
    const wd = date.getUTCDay();
    const m = date.getUTCMonth() + 1;
    let w = wd === 0 || wd === 6 ? 0.25 : 1;
    if (m === 7 || m === 8 || m === 2 || (m === 1 && date.getUTCDate() > 15)) w *= 0.4;
    weights.push(w);
    total += w;
  }
  // Rows per day, proportional to the weights, adding up to exactly `rows`.
  const perDay = weights.map((w) => Math.floor((w / total) * rows));
  let left = rows - perDay.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 7) % perDay.length, left--) perDay[i]++;
  const titles = Array.from({ length: COURSES }, (_, i) => courseTitle(i));
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  const write = (s) => {
    const b = Buffer.from(s, 'utf8');
    fs.writeSync(fd, b);
    bytes += b.length;
  };
  write('工号,姓名,课程编号,课程名称,学习日期,学时\n');
  let buf = '';
  for (let i = 0; i < perDay.length; i++) {
    const date = isoOf(first + i);
    for (let k = 0; k < perDay[i]; k++) {
      const c = roster[Math.floor(r() * roster.length)];
      // Popular courses: half the rows go to the first 300.
      const course = r() < 0.5 ? Math.floor(r() * 300) : Math.floor(r() * COURSES);
      const h = HOURS[Math.floor(r() * HOURS.length)];
      buf += `${c.staffNo},${c.name},${courseCode(course)},${titles[course]},${date},${h}\n`;
      if (buf.length > 1 << 16) {
        write(buf);
        buf = '';
      }
    }
  }
  write(buf);
  fs.closeSync(fd);
  return bytes;
}

// ---------------------------------------------------------------- the province

/** Bump when the province's generated data changes, so its cached files are rebuilt. */
export const PROVINCE_VERSION = 1;
export const PROVINCE_CADRES = 320_000;
export const PROVINCE_DEPARTMENTS = 5_000;
export const PROVINCE_ROWS = 20_000_000;
export const PROVINCE_WEEK_ROWS = 400_000;
/** The 20M rows: one academic year (2025-2026), about 62 rows per cadre, as a province's year. */
export const PROVINCE_FROM = '2025-09-01';
export const PROVINCE_TO = '2026-08-31';
/** The weekly export after it: Monday 7 … Sunday 13 September 2026. */
export const WEEK_FROM = '2026-09-07';
export const WEEK_TO = '2026-09-13';

const CITIES = ['杭州', '宁波', '温州', '嘉兴', '湖州', '绍兴', '金华', '衢州', '舟山', '台州', '丽水', '义乌', '慈溪', '余姚', '瑞安', '乐清', '诸暨', '海宁', '桐乡', '临海', '温岭', '东阳', '永康', '兰溪', '平湖'];
const UNITS = ['大学', '师范学院', '理工学院', '职业技术学院', '医科大学'];

/** The 5,000 departments: 125 institutions (25 cities × 5 kinds) × the 40 departments of the small bench. */
export function provinceDepartments() {
  const out = [];
  for (const city of CITIES) for (const unit of UNITS) for (const dept of DEPARTMENTS) out.push(`${city}${unit}${dept}`);
  return out;
}

/**
 * The province's roster: 320,000 cadres over the 5,000 departments, staff
 * numbers P0000001 …, otherwise drawn as makeRoster draws them.
 */
export function makeProvinceRoster(count = PROVINCE_CADRES, seed = SEED) {
  const depts = provinceDepartments();
  const r = rng(seed ^ 0x5a5a);
  return makeRoster(count, seed).map((c, i) => ({ ...c, staffNo: `P${String(i + 1).padStart(7, '0')}`, dept: depts[Math.floor(r() * depts.length)] }));
}
