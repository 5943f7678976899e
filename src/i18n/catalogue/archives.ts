import type { Section } from './index.js';

/** Messages of the archive bound (src/io/zip-guard.ts) and of the essay-length bound (src/io/essay-text.ts). */
export const archives: Section = {
  zh: {
    // sizes
    'archive.entryTooLarge': '未读取 {file}：其中的部件 {part} 解压后超过 {limit}，远超正常文件的大小——该文件已损坏，或是被故意构造来耗尽内存',
    'archive.totalTooLarge': '未读取 {file}：其中各部件解压后合计超过 {limit}，远超正常文件的大小——该文件已损坏，或是被故意构造来耗尽内存',
    'archive.ratio': '未读取 {file}：其中的部件 {part} 解压后膨胀超过 {ratio} 倍（前 {floor} 不计），正常文件不可能压缩到这种程度——这像是“压缩炸弹”',
    'archive.tooManyEntries': '未读取 {file}：其中的部件超过 {limit} 个',
    'archive.nameTooLong': '未读取 {file}：其中有部件的名称超过 {limit} 字节',
    'archive.directoryTooLarge': '未读取 {file}：其部件目录（zip 中央目录）超过 {limit}',
    // structure
    'archive.duplicate': '未读取 {file}：部件 {part} 出现了两次',
    'archive.method': '未读取 {file}：部件 {part} 使用了第 {method} 号压缩方法，只能读取不压缩（0）和 deflate（8）两种',
    'archive.encrypted': '未读取 {file}：部件 {part} 已加密',
    'archive.zip64': '未读取 {file}：它是 ZIP64 格式的压缩包（用于超过 4 GB 或 65,535 个部件的内容），正常的工作簿或文档用不到这种格式',
    'archive.multiDisk': '未读取 {file}：它是分卷压缩包中的一卷',
    'archive.unreadable.xlsx': '无法读取 Excel 工作簿 {file}：它不是完整无损的 zip 压缩包',
    'archive.unreadable.docx': '无法读取 Word 文件 {file}：它不是完整无损的 zip 压缩包',
    'archive.damaged.directory': '文件末尾的部件目录（zip 中央目录）缺失、不完整或位置不对',
    'archive.damaged.entry': '部件 {part} 与部件目录中的记录不一致',
    'archive.damaged.data': '部件 {part} 的数据无法解压',
    'archive.damaged.layout': '各部件的排列与部件目录不符（在第 {offset} 字节处）',
    // XML the readers keep in memory
    'archive.xml.tag': '未读取 {file}：部件 {part} 中有一个标签的长度超过 {limit}',
    'archive.xml.text': '未读取 {file}：部件 {part} 中有一个值的文字超过 {limit}',
    'archive.xml.rowText': '未读取 {file}：部件 {part} 中有一行的文字超过 {limit}',
    'archive.xml.special': '未读取 {file}：部件 {part} 中含有注释、CDATA、DTD 或处理指令（<!… 或 <?…），Excel 和 WPS 保存的文件中不会有这些内容',
    'archive.memory': '未读取 {file}：读取其中的 XML 估计要占用超过 {limit} 内存（在 {part} 处超出），远超正常文件的需要——该文件已损坏，或是被故意构造来耗尽内存',
    // what to do
    'archive.fix.xlsx': '请用 Excel 或 WPS 打开该工作簿，重新另存为 .xlsx，或另存为 CSV UTF-8 格式后导入；如果仍被拒绝，请重新获取导出文件',
    'archive.fix.docx': '请用 Word 或 WPS 打开该文档，重新另存为 .docx，或把正文另存为 .txt 后再试；也可以用 --chars 直接给出字数',
    // essays
    'archive.essayTooLong': '{file} 中的文字有 {chars} 个字符，超过 {limit} 个，不像是一篇文章',
    'archive.fix.essayTooLong': '请确认选择的是文章本身；如果字数确实如此，请用 --chars 直接给出字数',
  },
  en: {
    // sizes
    'archive.entryTooLarge': '{file} was not read: its part {part} unpacks to more than {limit}, far beyond any genuine file of its kind — the file is damaged or was made to exhaust memory',
    'archive.totalTooLarge': '{file} was not read: its parts together unpack to more than {limit}, far beyond any genuine file of its kind — the file is damaged or was made to exhaust memory',
    'archive.ratio': '{file} was not read: its part {part} expands more than {ratio} {ratio|time|times} when unpacked (past its first {floor}); genuine files never compress that far — this looks like a zip bomb',
    'archive.tooManyEntries': '{file} was not read: it holds more than {limit} {limit|part|parts}',
    'archive.nameTooLong': '{file} was not read: one of its part names is longer than {limit} {limit|byte|bytes}',
    'archive.directoryTooLarge': '{file} was not read: its table of parts (the zip central directory) is larger than {limit}',
    // structure
    'archive.duplicate': '{file} was not read: the part {part} appears twice',
    'archive.method': '{file} was not read: the part {part} is compressed with method {method}; only stored (0) and deflate (8) can be read',
    'archive.encrypted': '{file} was not read: the part {part} is encrypted',
    'archive.zip64': '{file} was not read: it is a ZIP64 archive (made for contents over 4 GB or 65,535 parts), which no genuine workbook or document needs',
    'archive.multiDisk': '{file} was not read: it is one piece of a split (multi-volume) zip archive',
    'archive.unreadable.xlsx': 'cannot read the Excel workbook {file}: it is not an intact zip archive',
    'archive.unreadable.docx': 'cannot read the Word file {file}: it is not an intact zip archive',
    'archive.damaged.directory': 'the table of parts at the end of the file (the zip central directory) is missing, cut short or misplaced',
    'archive.damaged.entry': 'the part {part} does not match its entry in the table of parts',
    'archive.damaged.data': 'the data of the part {part} cannot be unpacked',
    'archive.damaged.layout': 'the parts do not follow one another as the table of parts says (at byte {offset})',
    // XML the readers keep in memory
    'archive.xml.tag': '{file} was not read: the part {part} has a tag longer than {limit}',
    'archive.xml.text': '{file} was not read: the part {part} has more than {limit} of text in one value',
    'archive.xml.rowText': '{file} was not read: the part {part} has more than {limit} of text in one row',
    'archive.xml.special': '{file} was not read: the part {part} contains comments, CDATA, a DTD or processing instructions (<!… or <?…), which Excel and WPS never write there',
    'archive.memory': '{file} was not read: holding its XML would take more than {limit} of memory by estimate (passed in {part}), far more than any genuine file of its kind needs — the file is damaged or was made to exhaust memory',
    // what to do
    'archive.fix.xlsx': 'open the workbook in Excel or WPS and save it again as .xlsx, or save it as CSV UTF-8 and import that; if it is still refused, ask for the export again',
    'archive.fix.docx': 'open the document in Word or WPS and save it again as .docx, or save the text as .txt and use that; or give the count with --chars',
    // essays
    'archive.essayTooLong': '{file} holds {chars} {chars|character|characters} of text, more than {limit}: that is not one essay',
    'archive.fix.essayTooLong': 'check that the file is the essay itself; if the count is right, give it with --chars',
  },
};
