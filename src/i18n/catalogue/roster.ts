import type { Section } from './index.js';

/**
 * Messages of the roster and its accounts: look-alike rows, leavings and
 * re-appointments, the credentials file's safeguards, concurrent resets,
 * undoing a roster batch, the staff-number hint of every import.
 */
export const roster: Section = {
  zh: {
    'cli.opt.newPeople': '确认花名册中与已登记干部相像的行（工号去掉开头的 0 后相同，或姓名和部门相同）确实是新的人员',
    'ops.kind.roster': '花名册',

    'roster.controlChar': '含有控制字符或文字方向字符 {char}（“{text}”），它会让屏幕上显示的内容与实际不同',
    'roster.fix.controlChar': '删除这个字符后重新输入该单元格（多半是从网页或聊天软件复制带来的）',

    'roster.lookalike.samePerson': '工号 {staffNo} 就是已登记的 {existing}（{name}，{department}，学员编号 {id}）去掉了开头的 0：是同一个人',
    'roster.fix.lookalike.samePerson': '花名册的“{column}”列丢了开头的 0（Excel 或 WPS 把它存成了数字）：请把该列设为文本格式后重新导出，或改写为 {existing}；--new-people 对这一行不适用',
    'roster.lookalike.samePersonOnFile': '工号 {staffNo} 去掉开头的 0 就是已登记的 {existing}（{name}，{department}，学员编号 {id}）：是同一个人，登记时的花名册丢了开头的 0',
    'roster.fix.lookalike.samePersonOnFile': '请在本花名册中写登记的工号 {existing}（已登记的工号不会被花名册更改）；--new-people 对这一行不适用',
    'roster.lookalike.zeros': '工号 {staffNo} 未登记，但去掉开头的 0 后与已登记的 {existing}（{name}，{department}，学员编号 {id}）相同',
    'roster.fix.lookalike.zeros': '如果是同一个人，请写登记的工号 {existing}（在 Excel 或 WPS 中把“{column}”列设为文本格式，开头的 0 才不会丢）；如果确实是另一个人，请加 --new-people 重新运行',
    'roster.lookalike.name': '工号 {staffNo} 未登记，但已登记的 {existing}（学员编号 {id}）也叫 {name}、也在 {department}',
    'roster.fix.lookalike.name': '如果是同一个人，请写登记的工号 {existing}；如果是同名同部门的另一个人，请加 --new-people 重新运行',
    'roster.refusedLookalike': '{file} 未处理：{count} 行有问题，其中 {lookalikes} 行像是已登记的干部；未写入任何数据',
    'roster.fix.refusedLookalike': '逐行核对上面列出的行；确实是新人员的，加 --new-people 重新运行（或加 --skip-invalid 只处理其余的行，这些行写入 .rejected.csv）',
    'roster.fix.didYouMean': '是否应为 {staffNo}（{name}，{department}）？Excel 或 WPS 把工号存成数字时会去掉开头的 0：请把该列设为文本格式后重新导出',
    'roster.fix.didYouMeanMore': '是否应为 {staffNo}（{name}，{department}）或另外 {more} 个去掉开头的 0 后相同的工号？Excel 或 WPS 把工号存成数字时会去掉开头的 0：请把该列设为文本格式后重新导出',

    'roster.leftBeforeLatest': '工号 {staffNo} 的离任日期 {left} 早于已登记的最近一次任职 {latest}',
    'roster.fix.leftBeforeLatest': '请在最近一次任职的那一行（“{column}”为 {latest}）填写离任日期',
    'roster.reappointed': '{id} {name}：{left} 离任后于 {date} 重新任职，开始新的任期；两者之间的时间不属于任何任期',
    'roster.leavingCleared': '{id} {name}：花名册的“{column}”为空，已删除登记的离任日期 {left}；如确已离任，请在花名册中填回该日期',

    'accounts.staleCredentials': '已删除 {file}：其中是一次被中断的 issue-accounts 的初始密码，那次的账号并未保存，这些密码不能登录任何账号',
    'accounts.concurrentRoster': '在本次准备期间，另一个操作更改了干部名单；本次未做任何改动',
    'accounts.afterCommit': '账号已保存，初始密码在 {file} 中；但随后出错：{error}',
    'accounts.afterCommitNoFile': '数据已保存；但随后出错：{error}',
    'accounts.rollbackLeft': '未保存任何账号，但无法删除 {file}：其中的密码不对应任何账号。原因：{error}',
    'accounts.fix.rollbackLeft': '请手动删除 {file}，然后重新运行',
    'accounts.partial': '有 {rejected} 行未处理（见上面的列表），其余的行已写入',
    'accounts.batch': '本次为花名册批次 {batch}；在这些干部还没有任何记录之前，可以用 cadre undo-import {batch} 撤销',
    'accounts.resetRace': '在本次准备期间，{id} 的密码已被另一次重置更改；本次未做任何改动，也未写出密码文件',
    'accounts.fix.resetRace': '另一次重置写出的密码文件才是有效的；如仍需重新发放，请再运行一次 cadre issue-accounts --reset {id}',

    'roster.undo.updatedCadres': '花名册批次 {id}（{file}）还更改了 {count} 名已登记的干部（{ids}）；撤销无法恢复这些更改，因此不予撤销',
    'roster.undo.fix.updatedCadres': '撤销只适用于只新增了干部的运行；请用正确的花名册再运行 cadre issue-accounts 更正，或恢复运行前的备份',
    'roster.undo.blocked': '花名册批次 {id}（{file}）不能撤销：其 {total} 名干部中有 {count} 名已有数据',
    'roster.undo.fix.blocked': '撤销只适用于干部尚无任何记录的运行；这些干部请保留，用花名册更正其信息',
    'roster.undo.hasRecords': '{id} {name} 已有 {count} 条记录（学时、培训、文章或考试）',
    'roster.undo.hasExemptions': '{id} {name} 有 {count} 项免修',
    'roster.undo.used': '{id} {name} 的账号已被使用过（有登录记录或已改密码）',
    'roster.undo.changedLater': '{id} {name} 已被之后的花名册更改（新的任职或信息变更）',
    'roster.undo.done': '已撤销花名册批次 {id}（{file}）：删除 {count} 名干部及其账号（{ids}）；这些学员编号不会再次使用',
    'roster.undo.credentials': '{file} 中的初始密码已不能登录任何账号：请删除该文件',
  },
  en: {
    'cli.opt.newPeople': 'confirm that roster rows resembling a cadre on file (the same staff number once leading zeros are ignored, or the same name and department) really are new people',
    'ops.kind.roster': 'roster',

    'roster.controlChar': 'contains the control or text-direction character {char} ("{text}"), which can make the screen show something other than the data',
    'roster.fix.controlChar': 'delete the character and type the cell again (it usually comes with text copied from a web page or a chat)',

    'roster.lookalike.samePerson': 'staff number {staffNo} is {existing} on file ({name}, {department}, learner {id}) without its leading zeros: the same person',
    'roster.fix.lookalike.samePerson': 'the roster lost the leading zeros of its "{column}" column (Excel or WPS saved it as a number): format the column as text and export again, or write {existing}; --new-people does not apply to this row',
    'roster.lookalike.samePersonOnFile': 'staff number {staffNo} without its leading zeros is {existing} on file ({name}, {department}, learner {id}): the same person, registered from a roster that had lost its zeros',
    'roster.fix.lookalike.samePersonOnFile': 'write the staff number on file, {existing}, in this roster (a roster does not change a staff number on file); --new-people does not apply to this row',
    'roster.lookalike.zeros': 'staff number {staffNo} is not on file, but {existing} ({name}, {department}, learner {id}) is the same number once leading zeros are ignored',
    'roster.fix.lookalike.zeros': 'if this is that person, write the staff number on file, {existing} (format the "{column}" column as text in Excel or WPS so the zeros stay); if it really is someone else, run again with --new-people',
    'roster.lookalike.name': 'staff number {staffNo} is not on file, but {name} of {department} is, as {existing} (learner {id})',
    'roster.fix.lookalike.name': 'if this is that person, write the staff number on file, {existing}; if it is another person with the same name in the same department, run again with --new-people',
    'roster.refusedLookalike': '{file} not applied: {count} rows have problems, {lookalikes} of them look like cadres already on file; nothing was written',
    'roster.fix.refusedLookalike': 'check each row listed above; if the rows that look like cadres on file really are new people, run again with --new-people (or add --skip-invalid to apply the other rows and write these to .rejected.csv)',
    'roster.fix.didYouMean': 'did you mean {staffNo} ({name}, {department})? Excel and WPS drop the leading zeros of a staff number saved as a number: format the column as text and export again',
    'roster.fix.didYouMeanMore': 'did you mean {staffNo} ({name}, {department}), or one of {more} other staff numbers that are the same once leading zeros are ignored? Excel and WPS drop the leading zeros of a staff number saved as a number: format the column as text and export again',

    'roster.leftBeforeLatest': 'left-office date {left} of staff number {staffNo} is before the latest appointment on record, {latest}',
    'roster.fix.leftBeforeLatest': 'give the left-office date on the row of the latest appointment ("{column}" {latest})',
    'roster.reappointed': '{id} {name}: left office on {left} and appointed again on {date}: a new series of terms starts; the time between belongs to no term',
    'roster.leavingCleared': '{id} {name}: the roster\'s "{column}" is empty, so the left-office date {left} on file was removed; if they did leave, put the date back in the roster',

    'accounts.staleCredentials': 'removed {file}: it held the initial passwords of an issue-accounts run that was interrupted before its accounts were saved; none of them opens an account',
    'accounts.concurrentRoster': 'another command changed the cadres on file while this one was being prepared; nothing was changed',
    'accounts.afterCommit': 'the accounts were saved and their initial passwords are in {file}; but afterwards: {error}',
    'accounts.afterCommitNoFile': 'the changes were saved; but afterwards: {error}',
    'accounts.rollbackLeft': 'no account was saved, but {file} could not be removed: its passwords belong to no account. The cause: {error}',
    'accounts.fix.rollbackLeft': 'delete {file} by hand, then run the command again',
    'accounts.partial': '{rejected} rows were not applied (listed above); the other rows were written',
    'accounts.batch': 'this run is roster batch {batch}; while none of its cadres has any record, cadre undo-import {batch} undoes it',
    'accounts.resetRace': 'another reset changed the password of {id} while this one was being prepared; nothing was changed by this one and no credentials file was written',
    'accounts.fix.resetRace': 'the credentials file of the other reset holds the password that works; to issue yet another one, run cadre issue-accounts --reset {id} again',

    'roster.undo.updatedCadres': 'roster batch {id} ({file}) also changed {count} cadres already on file ({ids}); undoing it would not restore them, so it is not undone',
    'roster.undo.fix.updatedCadres': 'undo is for a run that only added cadres; correct the cadres with another issue-accounts run with the right roster, or restore the backup taken before the run',
    'roster.undo.blocked': 'roster batch {id} ({file}) cannot be undone: {count} of its {total} cadres already have data',
    'roster.undo.fix.blocked': 'undo is for a run whose cadres have nothing recorded yet; keep these cadres and correct them with the roster',
    'roster.undo.hasRecords': '{id} {name} has {count} records (hours, training, essays or exams)',
    'roster.undo.hasExemptions': '{id} {name} has {count} exemptions',
    'roster.undo.used': 'the account of {id} {name} has been used (sign-in attempts or a chosen password)',
    'roster.undo.changedLater': '{id} {name} was changed by a later roster (a new appointment or changed details)',
    'roster.undo.done': 'Undid roster batch {id} ({file}): {count} cadres and their accounts removed ({ids}); their learner IDs are never reused',
    'roster.undo.credentials': 'the initial passwords in {file} no longer open any account: delete that file',
  },
};
