import type { Section } from './index.js';

/**
 * An upgrade over several versions that stops between two of them: each
 * version is its own transaction, so the ones before stay committed.
 */
export const integrate: Section = {
  zh: {
    'db.migrationFailedPartly': '数据库 {file} 已从版本 {from} 升级到版本 {version}，但无法继续升级到版本 {to}（{reason}），现停留在版本 {version}：它的结构已被其他程序改过',
    'db.fullMigratingPartly': '{folder} 所在的磁盘已满：数据库 {file} 已从版本 {from} 升级到版本 {version}，但未能继续升级到版本 {to}（现停留在版本 {version}，数据未变）',
  },
  en: {
    'db.migrationFailedPartly': 'the database {file} was upgraded from version {from} to {version}, but cannot be upgraded to version {to} ({reason}); it stays at version {version}: its schema was changed by another program',
    'db.fullMigratingPartly': 'the disk holding {folder} is full: the database {file} was upgraded from version {from} to {version}, but could not be upgraded to version {to} (it stays at version {version}, its data unchanged)',
  },
};
