// Labels in Chinese (the default: the managers are civil-affairs staff in Guangdong) and English.
// Static text carries data-i18n="key" (or data-i18n-placeholder / data-i18n-title); text built by
// app.js asks t(key). The choice is kept in localStorage under LANG_KEY.

export const LANG_KEY = 'yz.manager.lang';

const zh = {
  'app.title': '一站 · 民政医疗救助预付款管理',
  'lang.switch': 'English',
  'login.title': '管理员登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'logout': '退出',
  'me.office': '办事处',
  'tab.accounts': '预付款账户',
  'tab.roster': '身份名册',
  'accounts.title': '预付款账户',
  'accounts.refresh': '刷新',
  'accounts.none': '尚无账户。请在下方为一家医院开设账户。',
  'accounts.hospital': '医院',
  'accounts.balance': '余额（元）',
  'accounts.advanceOwed': '医院垫付（元）',
  'accounts.threshold': '预警线（元）',
  'accounts.mode': '余额不足时',
  'accounts.openPeriod': '当前期间',
  'accounts.alert': '预警',
  'accounts.low': '余额低于预警线',
  'accounts.ok': '正常',
  'accounts.open.title': '开设账户',
  'accounts.open.submit': '开设',
  'mode.HOSPITAL_ADVANCE': '医院垫付',
  'mode.REFUSE': '不予救助',
  'account.title': '账户',
  'account.select': '点击上表中的账户查看详情。',
  'settings.title': '账户设置',
  'settings.mode': '余额不足时',
  'settings.threshold': '低余额预警线（元）',
  'settings.submit': '保存设置',
  'settings.saved': '设置已保存。',
  'topup.title': '充值（拨付预付款）',
  'topup.reference': '拨付单号',
  'topup.reference.hint': '同一单号重复提交只记一次',
  'topup.amount': '金额（元）',
  'topup.submit': '充值',
  'topup.done': '已充值 {amount} 元（单号 {reference}）。',
  'topup.replayed': '单号 {reference} 已充值过，未重复记账。',
  'chart.title': '近 30 天每日支出',
  'chart.drawdowns': '救助支出',
  'chart.advances': '医院垫付',
  'chart.empty': '近 30 天没有支出。',
  'entries.title': '账目明细',
  'entries.kind': '类型',
  'entries.kind.all': '全部',
  'entries.from': '起始日期',
  'entries.to': '截止日期',
  'entries.filter': '筛选',
  'entries.none': '没有符合条件的账目。',
  'entries.time': '时间',
  'entries.amount': '金额（元）',
  'entries.period': '期间',
  'entries.reference': '单号 / 结算',
  'entries.prev': '上一页',
  'entries.next': '下一页',
  'entries.page': '第 {page} / {pages} 页，共 {total} 条',
  'kind.TOP_UP': '充值',
  'kind.DRAWDOWN': '救助支出',
  'kind.ADVANCE': '医院垫付',
  'kind.REVERSAL_CREDIT': '撤销退回',
  'kind.ADVANCE_REVERSAL': '垫付撤销',
  'close.title': '期间清算',
  'close.period': '期间（年-月）',
  'close.submit': '清算并关闭期间',
  'close.confirm': '清算后该期间的结算单不再变动。确定关闭 {period}？',
  'close.done': '{period} 已清算，期末余额 {closing} 元。',
  'close.notEnded': '当前期间 {period} 尚未结束，{from} 起可清算。',
  'statements.title': '清算单',
  'statements.none': '尚无清算单。',
  'statements.period': '期间',
  'statements.opening': '期初余额',
  'statements.topUps': '充值',
  'statements.drawdowns': '支出',
  'statements.reversals': '撤销退回',
  'statements.advances': '垫付',
  'statements.closing': '期末余额',
  'statements.settlements': '结算笔数',
  'statements.closedAt': '清算时间',
  'statements.csv': '导出 CSV',
  'roster.title': '身份名册',
  'roster.q': '身份证号开头或姓名',
  'roster.category': '类别',
  'roster.category.all': '全部类别',
  'roster.search': '查询',
  'roster.add': '登记身份',
  'roster.export': '导出名册 CSV',
  'roster.none': '没有符合条件的身份。',
  'roster.idNo': '身份证号',
  'roster.name': '姓名',
  'roster.validFrom': '生效日期',
  'roster.validTo': '终止日期',
  'roster.confirmed': '已确认',
  'roster.liftedOut': '脱贫日期',
  'roster.actions': '操作',
  'roster.edit': '修改',
  'roster.end': '终止',
  'roster.confirm': '确认',
  'roster.yes': '是',
  'roster.no': '否',
  'roster.prev': '上一页',
  'roster.next': '下一页',
  'roster.page': '第 {page} / {pages} 页，共 {total} 人次',
  'identity.add.title': '登记身份',
  'identity.edit.title': '修改身份',
  'identity.submit': '保存',
  'identity.cancel': '取消',
  'identity.saved': '已保存：{name}（{category}）。',
  'identity.liftedOut.hint': '仅建档立卡',
  'end.title': '终止身份',
  'end.validTo': '终止日期（含当日有效）',
  'end.submit': '终止',
  'end.done': '已终止，最后有效日 {validTo}。',
  'import.title': '导入名册（CSV）',
  'import.hint':
    '表头：person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date。' +
    '有一行出错则整个文件不导入。',
  'import.file': 'CSV 文件',
  'import.submit': '导入',
  'import.done': '已导入 {rows} 行：新增 {registered}，变更 {changed}，未变 {unchanged}。',
  'import.noFile': '请先选择文件。',
  'category.NONE': '无困难身份',
  'tab.oversight': '扶贫成效与政策测算',
  'oversight.title': '扶贫成效',
  'oversight.from': '起始年度',
  'oversight.to': '截止年度',
  'oversight.show': '查询',
  'oversight.scope.office': '办事处 {code}，{from}–{to} 年度已结算费用',
  'oversight.scope.region': '医保统筹区 {code} 各办事处，{from}–{to} 年度已结算费用',
  'oversight.whole': '全部',
  'oversight.year': '年度',
  'oversight.office': '办事处',
  'oversight.category': '身份类别',
  'oversight.persons': '人数',
  'oversight.ratio': '政策范围内报销比例',
  'oversight.overall': '总体报销比例',
  'oversight.perPerson': '人均自付（元）',
  'oversight.overLine': '自付超线人数',
  'oversight.chart.title': '政策范围内报销比例与人均自付',
  'oversight.persons.title': '年度自付超过政策线的人员（因病致贫监测对象）',
  'oversight.personal': '年度自付（元）',
  'oversight.line': '自付线（元）',
  'oversight.none': '没有年度自付超过政策线的人员。',
  'simulation.title': '政策测算（仅医保经办机构）',
  'simulation.policy': '测算政策（YAML，与 config/policies 的格式相同）',
  'simulation.file': '或读取文件',
  'simulation.from': '出院日期自',
  'simulation.to': '至',
  'simulation.start': '开始测算',
  'simulation.policyMissing': '请填写或选择测算政策。',
  'simulation.fileTooLarge': '政策文件不能超过 64 KB。',
  'simulation.state.RUNNING': '测算中：{done} / {total} 笔',
  'simulation.state.DONE': '测算完成：{done} 笔',
  'simulation.state.FAILED': '测算未完成',
  'simulation.persons': '对比 {claims} 笔结算、{persons} 人：负担减轻 {better} 人，负担加重 {worse} 人，不变 {unchanged} 人。',
  'simulation.item': '项目',
  'simulation.inForce': '现行政策',
  'simulation.candidate': '测算政策',
  'simulation.change': '差额',
  'simulation.fund.basic': '基本医保统筹',
  'simulation.fund.criticalIllness': '大病保险',
  'simulation.fund.assistance': '医疗救助',
  'simulation.fund.fund': '基金支付合计',
  'simulation.fund.personal': '个人负担',
  'simulation.chart.funds': '各项基金支出（元）',
  'simulation.chart.categories': '各类身份政策范围内报销比例',
  'simulation.largest': '变化最大的结算',
  'simulation.accounts': '预付款账户救助支出',
  'simulation.hospital': '医院',
  'simulation.claimNo': '单据号',
  'simulation.discharge': '出院日期',
  'simulation.personalWas': '现行自付（元）',
  'simulation.personalWould': '测算自付（元）',
  'simulation.export': '导出 CSV',
  'category.DESTITUTE': '特困',
  'category.SUBSISTENCE': '低保',
  'category.REGISTERED_POOR': '建档立卡',
  'category.ILLNESS_POOR': '因病致贫返贫',
  'tab.coverage': '参保比对',
  'coverage.title': '参保比对（应保尽保）',
  'coverage.refresh': '重新比对',
  'coverage.scope.office': '办事处 {code} 在册困难群众，比对日期 {date}',
  'coverage.scope.region': '医保统筹区 {code} 各办事处在册困难群众，比对日期 {date}',
  'coverage.counts.caption': '比对结果（人）',
  'coverage.outcome': '比对结果',
  'coverage.outcome.all': '全部',
  'coverage.persons': '人数',
  'coverage.hint':
    '比对对象：已确认且在有效期内的特困、低保、建档立卡、因病致贫人员；与参保登记比对。' +
    '“已参保未资助”应予资助参保；“未参保”为动员参保名单。身份名册暂无住址，名单不含住址。',
  'coverage.chart.title': '比对结果',
  'coverage.chart.persons': '人数',
  'coverage.list.title': '人员名单',
  'coverage.export': '导出 CSV',
  'coverage.regions': '参保地',
  'coverage.none': '没有此类人员。',
  'coverage.page': '第 {page} / {pages} 页，共 {total} 人',
  'outcome.SUBSIDISED': '已参保已资助',
  'outcome.NOT_SUBSIDISED': '已参保未资助',
  'outcome.ELSEWHERE': '异地参保',
  'outcome.NOT_ENROLLED': '未参保',
  'error.correlation': '查询编号：{id}',
  'error.network': '无法连接网关，请稍后再试。',
  'error.amount': '金额须为正数，最多两位小数。',
  'error.session': '登录已失效，请重新登录。',
  'error.unknown': '操作未成功，请稍后再试。',
};

const en = {
  'app.title': 'Yizhan · Civil-affairs prepayment',
  'lang.switch': '中文',
  'login.title': 'Manager login',
  'login.username': 'User name',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'logout': 'Log out',
  'me.office': 'Office',
  'tab.accounts': 'Prepayment accounts',
  'tab.roster': 'Identity roster',
  'accounts.title': 'Prepayment accounts',
  'accounts.refresh': 'Refresh',
  'accounts.none': 'No account yet. Open one for a hospital below.',
  'accounts.hospital': 'Hospital',
  'accounts.balance': 'Balance (CNY)',
  'accounts.advanceOwed': 'Hospital advance (CNY)',
  'accounts.threshold': 'Alert below (CNY)',
  'accounts.mode': 'When short',
  'accounts.openPeriod': 'Open period',
  'accounts.alert': 'Alert',
  'accounts.low': 'Balance below threshold',
  'accounts.ok': 'OK',
  'accounts.open.title': 'Open an account',
  'accounts.open.submit': 'Open',
  'mode.HOSPITAL_ADVANCE': 'Hospital advances',
  'mode.REFUSE': 'Refuse assistance',
  'account.title': 'Account',
  'account.select': 'Click an account in the table above to see it.',
  'settings.title': 'Settings',
  'settings.mode': 'When the balance is short',
  'settings.threshold': 'Low-balance alert (CNY)',
  'settings.submit': 'Save settings',
  'settings.saved': 'Settings saved.',
  'topup.title': 'Top up',
  'topup.reference': 'Reference no.',
  'topup.reference.hint': 'the same reference is booked once',
  'topup.amount': 'Amount (CNY)',
  'topup.submit': 'Top up',
  'topup.done': 'Topped up {amount} (reference {reference}).',
  'topup.replayed': 'Reference {reference} was already booked; nothing added.',
  'chart.title': 'Drawdowns per day, last 30 days',
  'chart.drawdowns': 'Assistance paid',
  'chart.advances': 'Hospital advances',
  'chart.empty': 'No drawdowns in the last 30 days.',
  'entries.title': 'Entries',
  'entries.kind': 'Type',
  'entries.kind.all': 'All',
  'entries.from': 'From',
  'entries.to': 'To',
  'entries.filter': 'Filter',
  'entries.none': 'No entries match.',
  'entries.time': 'Time',
  'entries.amount': 'Amount (CNY)',
  'entries.period': 'Period',
  'entries.reference': 'Reference / claim',
  'entries.prev': 'Previous',
  'entries.next': 'Next',
  'entries.page': 'Page {page} of {pages}, {total} entries',
  'kind.TOP_UP': 'Top-up',
  'kind.DRAWDOWN': 'Drawdown',
  'kind.ADVANCE': 'Hospital advance',
  'kind.REVERSAL_CREDIT': 'Reversal credit',
  'kind.ADVANCE_REVERSAL': 'Advance reversal',
  'close.title': 'Close a period',
  'close.period': 'Period (YYYY-MM)',
  'close.submit': 'Close period',
  'close.confirm': 'A closed period never changes. Close {period}?',
  'close.done': '{period} closed; closing balance {closing}.',
  'close.notEnded': 'The open period {period} has not ended; it can be closed from {from}.',
  'statements.title': 'Statements',
  'statements.none': 'No statement yet.',
  'statements.period': 'Period',
  'statements.opening': 'Opening',
  'statements.topUps': 'Top-ups',
  'statements.drawdowns': 'Drawdowns',
  'statements.reversals': 'Reversals',
  'statements.advances': 'Advances',
  'statements.closing': 'Closing',
  'statements.settlements': 'Settlements',
  'statements.closedAt': 'Closed at',
  'statements.csv': 'CSV',
  'roster.title': 'Identity roster',
  'roster.q': 'ID number prefix or name',
  'roster.category': 'Category',
  'roster.category.all': 'All categories',
  'roster.search': 'Search',
  'roster.add': 'Register an identity',
  'roster.export': 'Export roster CSV',
  'roster.none': 'No identity matches.',
  'roster.idNo': 'ID number',
  'roster.name': 'Name',
  'roster.validFrom': 'Valid from',
  'roster.validTo': 'Valid to',
  'roster.confirmed': 'Confirmed',
  'roster.liftedOut': 'Lifted out',
  'roster.actions': 'Actions',
  'roster.edit': 'Edit',
  'roster.end': 'End',
  'roster.confirm': 'Confirm',
  'roster.yes': 'yes',
  'roster.no': 'no',
  'roster.prev': 'Previous',
  'roster.next': 'Next',
  'roster.page': 'Page {page} of {pages}, {total} identities',
  'identity.add.title': 'Register an identity',
  'identity.edit.title': 'Edit identity',
  'identity.submit': 'Save',
  'identity.cancel': 'Cancel',
  'identity.saved': 'Saved: {name} ({category}).',
  'identity.liftedOut.hint': 'registered poor only',
  'end.title': 'End an identity',
  'end.validTo': 'Last valid day',
  'end.submit': 'End',
  'end.done': 'Ended; last valid day {validTo}.',
  'import.title': 'Import roster (CSV)',
  'import.hint':
    'Header: person_id_no,person_name,category,valid_from,valid_to,confirmed,lifted_out_date. ' +
    'One bad row refuses the whole file.',
  'import.file': 'CSV file',
  'import.submit': 'Import',
  'import.done': 'Imported {rows} rows: {registered} new, {changed} changed, {unchanged} unchanged.',
  'import.noFile': 'Choose a file first.',
  'category.NONE': 'No poverty identity',
  'tab.oversight': 'Outcomes and policy simulation',
  'oversight.title': 'Outcomes for the poor (扶贫成效)',
  'oversight.from': 'From year',
  'oversight.to': 'To year',
  'oversight.show': 'Show',
  'oversight.scope.office': 'Office {code}, settlements of {from}–{to}',
  'oversight.scope.region': 'Every office of insurance region {code}, settlements of {from}–{to}',
  'oversight.whole': 'All',
  'oversight.year': 'Year',
  'oversight.office': 'Office',
  'oversight.category': 'Identity',
  'oversight.persons': 'Persons',
  'oversight.ratio': 'In-scope reimbursement ratio',
  'oversight.overall': 'Overall reimbursement ratio',
  'oversight.perPerson': 'Out-of-pocket per person (yuan)',
  'oversight.overLine': 'Persons over the line',
  'oversight.chart.title': 'In-scope reimbursement ratio and out-of-pocket per person',
  'oversight.persons.title': 'Persons whose out-of-pocket over a year passed the policy line (因病致贫 candidates)',
  'oversight.personal': 'Out-of-pocket in the year (yuan)',
  'oversight.line': 'Line (yuan)',
  'oversight.none': 'Nobody passed the line.',
  'simulation.title': 'Policy simulation (insurance agency only)',
  'simulation.policy': 'Candidate policy (YAML, the format of config/policies)',
  'simulation.file': 'or read a file',
  'simulation.from': 'Discharged from',
  'simulation.to': 'to',
  'simulation.start': 'Simulate',
  'simulation.policyMissing': 'Type or choose the candidate policy.',
  'simulation.fileTooLarge': 'A policy file is at most 64 KB.',
  'simulation.state.RUNNING': 'Simulating: {done} / {total} settlements',
  'simulation.state.DONE': 'Done: {done} settlements',
  'simulation.state.FAILED': 'The simulation did not finish',
  'simulation.persons': '{claims} settlements of {persons} persons compared: {better} better off, {worse} worse off, {unchanged} unchanged.',
  'simulation.item': 'Item',
  'simulation.inForce': 'In force',
  'simulation.candidate': 'Candidate',
  'simulation.change': 'Change',
  'simulation.fund.basic': 'Basic insurance',
  'simulation.fund.criticalIllness': 'Critical illness',
  'simulation.fund.assistance': 'Medical assistance',
  'simulation.fund.fund': 'Funds together',
  'simulation.fund.personal': 'Paid by persons',
  'simulation.chart.funds': 'Paid per fund (yuan)',
  'simulation.chart.categories': 'In-scope reimbursement ratio per identity',
  'simulation.largest': 'Largest changes',
  'simulation.accounts': 'Assistance per prepayment account',
  'simulation.hospital': 'Hospital',
  'simulation.claimNo': 'Claim',
  'simulation.discharge': 'Discharged',
  'simulation.personalWas': 'Out-of-pocket now (yuan)',
  'simulation.personalWould': 'Under the candidate (yuan)',
  'simulation.export': 'Export CSV',
  'category.DESTITUTE': 'Destitute (特困)',
  'category.SUBSISTENCE': 'Subsistence allowance (低保)',
  'category.REGISTERED_POOR': 'Registered poor (建档立卡)',
  'category.ILLNESS_POOR': 'Poor through illness (因病致贫返贫)',
  'tab.coverage': 'Coverage check',
  'coverage.title': 'Coverage check (应保尽保)',
  'coverage.refresh': 'Check again',
  'coverage.scope.office': 'The poor of office {code}, checked on {date}',
  'coverage.scope.region': 'The poor of every office of insurance region {code}, checked on {date}',
  'coverage.counts.caption': 'Outcome (persons)',
  'coverage.outcome': 'Outcome',
  'coverage.outcome.all': 'All',
  'coverage.persons': 'Persons',
  'coverage.hint':
    'Who is checked: confirmed identities in force (destitute, subsistence allowance, registered ' +
    'poor, poor through illness), against the insured register. "Enrolled, not subsidised" are ' +
    'owed a subsidy; "not enrolled" is the outreach list. The roster holds no address yet.',
  'coverage.chart.title': 'Outcome',
  'coverage.chart.persons': 'Persons',
  'coverage.list.title': 'People',
  'coverage.export': 'Export CSV',
  'coverage.regions': 'Enrolled in',
  'coverage.none': 'Nobody with this outcome.',
  'coverage.page': 'Page {page} of {pages}, {total} persons',
  'outcome.SUBSIDISED': 'Enrolled, subsidised',
  'outcome.NOT_SUBSIDISED': 'Enrolled, not subsidised',
  'outcome.ELSEWHERE': 'Enrolled elsewhere',
  'outcome.NOT_ENROLLED': 'Not enrolled',
  'error.correlation': 'reference for support: {id}',
  'error.network': 'The gateway cannot be reached; try again shortly.',
  'error.amount': 'The amount must be positive, with at most two decimals.',
  'error.session': 'Your session has ended; please log in again.',
  'error.unknown': 'That did not work; try again shortly.',
};

// ---- refusals
// The gateway answers {code, message, field, correlationId}: the code and field stay machine-
// readable in the API and are translated here. A code the table lacks falls back to the gateway's
// own message. Some sentences take values the gateway's message carries (a period, a date: never
// personal data), read by the patterns in ERROR_ARGS.

const errorsZh = {
  UNAUTHENTICATED: '用户名或密码不正确，或登录已失效。',
  LOGIN_LOCKED: '登录失败次数过多，账号暂时锁定，请稍后再试。',
  RATE_LIMITED: '操作过于频繁，请稍后再试。',
  SERVICE_UNAVAILABLE: '系统暂时繁忙，请稍后再试。',
  TIMEOUT: '网关处理超时，请稍后再试。',
  NETWORK: '无法连接网关，请稍后再试。',
  BAD_RESPONSE: '网关的答复无法读取，请稍后再试。',
  NOT_FOUND: '未找到该记录（可能已被删除，或不属于本办事处）。',
  NOT_MANAGING_OFFICE: '{field}：此人户籍不在本办事处辖区，由其他办事处管理。',
  NOTHING_IMPORTED: '整个文件未导入。',
  INVALID_ID_NUMBER: '{field}有误：不是有效的身份证号（请核对位数、出生日期和校验位）。',
  INVALID_TEXT: '{field}含有不允许的字符。',
  INVALID_FIELD: '{field}填写有误{reason}。',
  MISSING_FIELD: '请填写{field}。',
  UNKNOWN_FIELD: '{field}不是本操作可填写的项目。',
  MALFORMED_JSON: '提交的内容格式有误。',
  MALFORMED_REQUEST: '请求格式有误。',
  UNSUPPORTED_MEDIA_TYPE: '文件类型不支持，请上传 CSV 或 .xlsx 文件。',
  METHOD_NOT_ALLOWED: '不支持此操作。',
  IMPORT_REFUSED: '{field}有误{reason}，整个文件未导入。',
  TOO_MANY_LINES: '文件行数过多，未导入。',
  IDENTITY_OVERLAP: '{field}：此人该类别在这段时间已有登记，时间段重叠。',
  TOP_UP_CONFLICT: '该拨付单号已用于另一笔金额不同的充值，未记账。',
  PERIOD_NOT_ENDED: '期间 {period} 尚未结束，{from} 起可清算。',
  PERIOD_NOT_OPEN: '期间 {period} 不是当前期间，不能清算（可能已清算过）。',
  CONFLICT: '该记录已被他人修改，请刷新后再试。',
  CSRF_REFUSED: '页面已过期，请刷新后再试。',
  BODY_TOO_LARGE: '文件或提交内容过大，未处理。',
  URI_TOO_LONG: '查询条件过长，请缩短后再试。',
  HEADERS_TOO_LARGE: '请求过大，请刷新页面后再试。',
  TOO_MANY_CONCURRENT: '同时进行的操作过多，请稍后再试。',
  CLIENT_CLOSED: '操作已取消。',
  BAD_REQUEST: '请求有误。',
  OUT_OF_SCOPE: '{field}：超出您的管辖范围，无权查看。',
  AGENCY_ONLY: '{field}：此项由医保经办机构办理。',
  EXPORT_TOO_LARGE: '导出人数过多，请选择一种比对结果或一个办事处后再导出。',
};

const errorsEn = {
  UNAUTHENTICATED: 'Wrong user name or password, or the session has ended.',
  LOGIN_LOCKED: 'Too many failed logins: the account is locked for a while; try again later.',
  RATE_LIMITED: 'Too many requests; try again shortly.',
  SERVICE_UNAVAILABLE: 'The gateway is busy; try again shortly.',
  TIMEOUT: 'The gateway took too long; try again shortly.',
  NETWORK: 'The gateway cannot be reached; try again shortly.',
  BAD_RESPONSE: 'The gateway answered something unreadable; try again shortly.',
  NOT_FOUND: 'Not found (it may have been removed, or belong to another office).',
  NOT_MANAGING_OFFICE: '{field}: this person is managed by another office.',
  NOTHING_IMPORTED: ' Nothing was imported.',
  INVALID_ID_NUMBER: '{field} is not a valid ID number (check its length, birth date and check digit).',
  INVALID_TEXT: '{field} contains characters that are not allowed.',
  INVALID_FIELD: '{field} is not valid{reason}.',
  MISSING_FIELD: '{field} is required.',
  UNKNOWN_FIELD: '{field} cannot be given here.',
  MALFORMED_JSON: 'The request is not well formed.',
  MALFORMED_REQUEST: 'The request is not well formed.',
  UNSUPPORTED_MEDIA_TYPE: 'This kind of file is not accepted; upload CSV or .xlsx.',
  METHOD_NOT_ALLOWED: 'This action is not allowed.',
  IMPORT_REFUSED: '{field} is wrong{reason}; nothing was imported.',
  TOO_MANY_LINES: 'The file has too many lines; nothing was imported.',
  IDENTITY_OVERLAP: '{field}: this person already has this category for an overlapping period.',
  TOP_UP_CONFLICT: 'This reference was used for a top-up of another amount; nothing was booked.',
  PERIOD_NOT_ENDED: 'Period {period} has not ended; it can be closed from {from}.',
  PERIOD_NOT_OPEN: 'Period {period} is not the open period (it may be closed already).',
  CONFLICT: 'Someone else changed this record; refresh and try again.',
  CSRF_REFUSED: 'The page is out of date; reload it and try again.',
  BODY_TOO_LARGE: 'The file or request is too large; nothing was done.',
  URI_TOO_LONG: 'The search is too long; shorten it and try again.',
  HEADERS_TOO_LARGE: 'The request is too large; reload the page and try again.',
  TOO_MANY_CONCURRENT: 'Too many actions at once; try again shortly.',
  CLIENT_CLOSED: 'Cancelled.',
  BAD_REQUEST: 'The request is not valid.',
  OUT_OF_SCOPE: '{field}: outside what you may see.',
  AGENCY_ONLY: '{field}: this is the insurance agency\'s to do.',
  EXPORT_TOO_LARGE: 'Too many people to export; choose one outcome or one office first.',
};

/** Values a sentence takes from the gateway's message. */
const ERROR_ARGS = {
  PERIOD_NOT_ENDED: /period (?<period>\d{4}-\d{2}) has not ended; it can be closed from (?<from>\d{4}-\d{2}-\d{2})/,
  PERIOD_NOT_OPEN: /period (?<period>\d{4}-\d{2}) is not the open period/,
};

/** Why an import line was refused, recognised in the gateway's message. */
const IMPORT_REASONS = [
  [/not a valid ID number|not an ID number/, { zh: '（不是有效的身份证号）', en: ' (not a valid ID number)' }],
  [/is required/, { zh: '（必填项为空）', en: ' (required, left empty)' }],
  [/must be a date|not a date of the calendar/, { zh: '（日期无法识别，请写作 2018-01-01、2018/1/1 或 2018年1月1日）', en: ' (not a date like 2018-01-01)' }],
  [/true or false/, { zh: '（请填“是”或“否”）', en: ' (must be 是/否 or true/false)' }],
  [/is not a roster column|header/, { zh: '（表头不是名册的列）', en: ' (not a roster column)' }],
  [/managed by another office|by office/, { zh: '（此人由其他办事处管理）', en: ' (managed by another office)' }],
  [/overlaps/, { zh: '（与已登记的时间段重叠）', en: ' (overlaps a recorded period)' }],
  [/not readable|not valid UTF-8|GB18030|cannot be decoded/, { zh: '（文件无法读取，请存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx）', en: ' (the file cannot be read)' }],
  [/\.xls\b/, { zh: '（旧版 .xls 工作簿，请另存为 .xlsx 或 CSV）', en: ' (an .xls workbook: save it as .xlsx or CSV)' }],
  [/formula/, { zh: '（是公式，请复制后“粘贴为数值”）', en: ' (a formula: paste it as values)' }],
  [/category|must be one of/, { zh: '（类别应为 特困、低保、建档立卡 或 因病致贫）', en: ' (not a category)' }],
];

/** Why a field was refused, recognised in the gateway's message. */
const FIELD_REASONS = [
  [/at most \d+ decimals/, { zh: '（最多两位小数）', en: ' (at most two decimals)' }],
  [/greater than 0/, { zh: '（须大于 0）', en: ' (must be more than 0)' }],
  [/must be at most/, { zh: '（超过上限）', en: ' (too large)' }],
  [/must be a number|not a number|amount/, { zh: '（请填写金额，如 5000、5,000.00 或 ５０００）', en: ' (an amount such as 5000 or 5,000.00)' }],
  [/document number|letters, digits/, { zh: '（只能含字母、数字、汉字和〔〕【】()[]._/-，如 揭民救〔2018〕12号）', en: ' (letters, digits, Chinese characters and 〔〕【】()[]._/-)' }],
  [/must be a date|YYYY-MM-DD|date/, { zh: '（日期格式应为 2018-01-01）', en: ' (a date such as 2018-01-01)' }],
];

const REASONS = { IMPORT_REFUSED: IMPORT_REASONS, INVALID_FIELD: FIELD_REASONS };

/** Field names (the API's camelCase and the roster's columns) in words. */
const fieldsZh = {
  person_id_no: '身份证号', personIdNo: '身份证号', person_name: '姓名', personName: '姓名',
  category: '类别', valid_from: '生效日期', validFrom: '生效日期', valid_to: '终止日期',
  validTo: '终止日期', confirmed: '已确认', lifted_out_date: '脱贫日期',
  liftedOutDate: '脱贫日期', amount: '金额', reference: '拨付单号', period: '期间',
  lowBalanceThreshold: '预警线', mode: '余额不足时', hospitalCode: '医院', username: '用户名',
  password: '密码', file: '文件', header: '表头', body: '提交内容', kind: '类型', from: '起始日期',
  to: '截止日期', page: '页码', size: '每页条数', q: '查询条件', id: '编号', days: '天数',
  office: '办事处', region: '医保统筹区', outcome: '比对结果', year: '年度', admdvs: '参保地',
  date: '比对日期',
};

const fieldsEn = {
  person_id_no: 'ID number', personIdNo: 'ID number', person_name: 'name', personName: 'name',
  category: 'category', valid_from: 'valid from', validFrom: 'valid from', valid_to: 'valid to',
  validTo: 'valid to', confirmed: 'confirmed', lifted_out_date: 'lifted out',
  liftedOutDate: 'lifted out', amount: 'amount', reference: 'reference', period: 'period',
  lowBalanceThreshold: 'alert line', mode: 'when short', hospitalCode: 'hospital',
  username: 'user name', password: 'password', file: 'file', header: 'header', body: 'request',
  kind: 'type', from: 'from', to: 'to', page: 'page', size: 'page size', q: 'search', id: 'id',
  days: 'days', office: 'office', region: 'region', outcome: 'outcome', year: 'year',
  admdvs: 'insurance region', date: 'date',
};

const ERRORS = { zh: errorsZh, en: errorsEn };
const FIELDS = { zh: fieldsZh, en: fieldsEn };

/** A field as the gateway names it ("line 3: person_id_no", "amount") in the page's words. */
export function fieldLabel(field) {
  if (!field) return '';
  const words = FIELDS[lang];
  const at = /^(line|row) (\d+): (.+)$/.exec(field);
  if (at) {
    const name = fieldLabel(at[3]);
    return lang === 'zh' ? `第 ${at[2]} 行：${name}` : `line ${at[2]}: ${name}`;
  }
  if (field === 'file') return words.file;
  return words[field] ?? words[field.replace(/^.*\./, '')] ?? field;
}

/**
 * The sentence for a refusal {code, message, field} in the page's language, or null for a code
 * the table lacks (the caller then shows the gateway's message).
 */
export function errorText(code, message, field) {
  const sentence = code && ERRORS[lang][code];
  if (!sentence) return null;
  const args = { field: fieldLabel(field), reason: '', period: '', from: '' };
  const pattern = ERROR_ARGS[code];
  const found = pattern && message ? pattern.exec(message) : null;
  if (found) Object.assign(args, found.groups);
  const reasons = REASONS[code];
  if (reasons && message) {
    // the reason follows the field in the message: match it there, not in the field's name
    const why = field && message.startsWith(field) ? message.slice(field.length) : message;
    const reason = reasons.find(([re]) => re.test(why));
    if (reason) args.reason = reason[1][lang];
  }
  if (!args.field) args.field = lang === 'zh' ? '填写内容' : 'The input';
  let text = sentence.replace(/\{(\w+)\}/g, (m, name) => (name in args ? String(args[name]) : m));
  // a refused line of an import (INVALID_ID_NUMBER, NOT_MANAGING_OFFICE...): say nothing was written
  if (code !== 'IMPORT_REFUSED' && message && message.endsWith('nothing was imported')) {
    text += ERRORS[lang].NOTHING_IMPORTED;
  }
  return text;
}

const LABELS = { zh, en };

let lang = pickLang();

function pickLang() {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    return saved === 'en' || saved === 'zh' ? saved : 'zh';
  } catch (e) {
    return 'zh';
  }
}

export function currentLang() {
  return lang;
}

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh';
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch (e) {
    // Private windows may refuse storage; the switch still works for this visit.
  }
  applyLabels(document);
}

/** The label for key in the current language, with {name} placeholders filled from args. */
export function t(key, args) {
  const text = LABELS[lang][key] ?? LABELS.zh[key] ?? key;
  if (!args) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in args ? String(args[name]) : m));
}

export function applyLabels(root) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('app.title');
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}
