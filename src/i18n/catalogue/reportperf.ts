/** The year-end report: what it says of the year before a closed year, and the essay-similarity summary. */
import type { Section } from './index.js';

export const reportperf: Section = {
  zh: {
    'reportperf.similarityNone': '本学年的心得体会和调研报告（{essays} 篇）都没有做过查重比对。',
    'reportperf.similarityLine': '本学年提交心得体会和调研报告 {essays} 篇，已查重比对 {compared} 篇；其中 {over} 篇达到暂扣阈值（抄自他人 {others}% 或与本人旧文重复 {self}%），占已比对的 {rate}；录入时暂扣待审 {held} 篇，经审核说明理由后放行 {overridden} 篇。',
    'reportperf.col.essays': '提交篇数',
    'reportperf.col.compared': '已比对',
    'reportperf.col.over': '达到阈值',
    'reportperf.col.overRate': '达到阈值占比',
    'reportperf.col.held': '暂扣待审',
    'reportperf.col.overridden': '审核放行',
    'reportperf.sheet.similarity': '查重',
    'reportperf.all': '全部',
    'reportperf.def.similarity': '查重：本学年提交的心得体会和调研报告，按每篇最近一次比对的结果统计；“达到阈值”指抄自他人的字数占比达到 {others}%，或与本人旧文重复达到 {self}%（以政策为准）；占比的分母是已比对的篇数。',
    'reportperf.fact.previousOpen': '上一学年尚未关账：与上一学年的对比及其逐月学时按生成报告时的记录统计，此后上一学年的记录变动会改变这些对比数字。',
  },
  en: {
    'reportperf.similarityNone': 'None of the year\'s reflections and reports ({essays}) has been compared for similarity.',
    'reportperf.similarityLine': '{essays} reflections and reports submitted in the year, {compared} compared; {over} at or over a hold threshold ({others}% copied from others or {self}% repeated from the cadre\'s own), {rate} of those compared; {held} held for review when recorded, {overridden} of them released by a reviewer with a reason.',
    'reportperf.col.essays': 'Submitted',
    'reportperf.col.compared': 'Compared',
    'reportperf.col.over': 'At threshold',
    'reportperf.col.overRate': 'Share at threshold',
    'reportperf.col.held': 'Held',
    'reportperf.col.overridden': 'Released',
    'reportperf.sheet.similarity': 'Similarity',
    'reportperf.all': 'All',
    'reportperf.def.similarity': 'Similarity: the reflections and reports submitted in the year, each as its latest comparison found it; "at threshold" is {others}% or more copied from others, or {self}% or more repeated from the cadre\'s own earlier essays (as the policy says); the share is over the essays compared.',
    'reportperf.fact.previousOpen': 'The year before is not closed: the comparison with it and its hours by month are read from the records when the report is made, so later changes to that year\'s records change them.',
  },
};
