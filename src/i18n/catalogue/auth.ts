import type { Section } from './index.js';

/** Messages of accounts and passwords. */
export const auth: Section = {
  zh: {
    'auth.password.tooShort':
      '新密码只有 {length} 个字符，至少需要 {min} 个。请换一个更长的密码，例如由几个词组成的短语。',
    'auth.password.isLearnerId':
      '新密码与学员编号相同，别人一看便知。请选择一个与账号无关的密码。',
    'auth.password.isStaffNo':
      '新密码与工号相同，别人很容易猜到。请选择一个与工号、学员编号无关的密码。',
    'auth.password.isInitial':
      '新密码与发放的初始密码相同。请另设一个只有自己知道的新密码。',
    'auth.password.common':
      '新密码属于最常见的密码之一，攻击者会最先尝试。请选择不易猜到的密码，例如几个互不相关的词组合。',
  },
  en: {
    'auth.password.tooShort':
      'The new password has {length} characters; it needs at least {min}. Choose a longer one, for example a phrase of a few words.',
    'auth.password.isLearnerId':
      'The new password is the learner ID, which anyone can see. Choose one that has nothing to do with the account.',
    'auth.password.isStaffNo':
      'The new password is the staff number, which is easy to guess. Choose one unrelated to the staff number and learner ID.',
    'auth.password.isInitial':
      'The new password is the initial password that was issued. Choose a new one that only you know.',
    'auth.password.common':
      'The new password is one of the most common passwords, which attackers try first. Choose one that is hard to guess, for example a few unrelated words.',
  },
};
