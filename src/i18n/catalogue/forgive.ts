import type { Section } from './index.js';

/** Messages of interaction that forgives (cancelling, re-asking) and of quiet consistency checks. */
export const forgive: Section = {
  zh: {
    'forgive.cancelled': '已取消',
    'forgive.cancelledSaved': '已取消；取消之前已保存的内容保留（可用 cadre log 查看）',
    'forgive.review.already': '文章 #{id}“{title}”的状态已经是“{status}”，未作更改',
    'forgive.passwd.mismatch': '两次输入的新密码不一致。',
    'forgive.passwd.again': '{reason}请重新输入新密码（还可以再试 {left} 次）。',
    'forgive.passwd.gaveUp': '新密码 {tries} 次都未能设置，密码未修改。最后一次：{reason}',
    'forgive.fix.passwdGaveUp': '重新运行 cadre passwd {id}；新密码至少 8 个字符，不能是学员编号、工号、初始密码、当前密码或常见密码，两次输入要相同',
  },
  en: {
    'forgive.cancelled': 'cancelled',
    'forgive.cancelledSaved': 'cancelled; what was saved before it stays (see cadre log)',
    'forgive.review.already': 'essay #{id} "{title}" is already {status}; nothing was changed',
    'forgive.passwd.mismatch': 'The two new passwords differ.',
    'forgive.passwd.again': '{reason} Type a new password again ({left} more tries).',
    'forgive.passwd.gaveUp': 'no new password was set in {tries} tries; the password was not changed. The last: {reason}',
    'forgive.fix.passwdGaveUp': 'run cadre passwd {id} again; a new password has at least 8 characters, is not the learner ID, the staff number, the initial, the current or a common password, and is typed the same twice',
  },
};
