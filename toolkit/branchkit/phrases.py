"""Stock wording, kept in one place so branches can see and change it: the agenda's
(docs/口径.md#夕会议程), and how each figure is computed, in a branch head's words (the 说明 sheet
and the README).

Templates decide wording and layout; these are the facts of the meeting method: each section's
minutes, the causes to discuss when sales lag, and a one-sentence script per indicator for the
training slot.
"""

from __future__ import annotations

from .vocab import DAILY, MONTHLY, MORNING, WEEKLY

# Minutes for the four sections (docs/口径.md#夕会议程 gives the daily meeting; weekly and monthly
# get more room).
SECTION_MINUTES = {
    DAILY: (3, 7, 7, 3),
    WEEKLY: (5, 10, 10, 5),
    MONTHLY: (10, 15, 10, 10),
    # 晨会, 10 minutes before opening: yesterday, today's targets, today's follow-ups and
    # checklist, open actions (docs/口径.md#晨会).
    MORNING: (2, 3, 3, 2),
}
CAUSES = ("沟通技巧", "产品知识", "营销话术", "营销主动性", "开口率", "工作状态")

SCRIPTS = {
    "理财": "“您这笔钱近期不用的话，我们有一款稳健的理财，收益比活期高，我请理财经理给您详细介绍一下？”",
    "基金": "“最近不少客户在做基金定投，每月几百元就能起步，我请理财经理帮您看看适合的产品？”",
    "保险": "“您给家人准备保障了吗？我们有一款保障型产品，理财经理可以帮您算一算保费。”",
    "存款": "“大额存单利率比普通定期高，您这笔资金可以考虑一下，我请客户经理为您办理。”",
    "信用卡": "“您经常刷卡消费的话，办一张我们的信用卡有积分和优惠，两分钟就能申请。”",
    "手机银行": "“开通手机银行以后转账、缴费都不用跑网点，我现在帮您开通，再教您用一次。”",
    "贵金属": "“积存金可以按克分批买入，门槛低，适合长期攒金，我请理财经理给您介绍。”",
    "转介数": "“您这笔业务办好了，另外有位理财经理可以帮您看看资金安排，我带您过去？”",
    "转介成功数": "交接时把客户需求说清楚：“这位是X先生，他的理财下周到期，想了解稳健型产品。”",
}
# The 行动计划 item `fill` writes for a coaching pair (docs/口径.md#结对辅导): the learner asks the
# coach how they raise the indicator — natural for a count (转介数) as for a product (理财). The
# older wording after it is what earlier versions wrote: a pair already written in it is not
# written again.
COACHING_ITEMS = (
    "{learner}向{coach}请教提升{indicator}的做法（结对辅导）",
    "{learner}跟{coach}学习{indicator}（结对辅导）",
)
PHONE_SCRIPT = "电话邀约：“您好，我是XX银行的理财经理X，您的理财X日到期，我们新到一款稳健产品，您方便这周来网点聊聊吗？”"

# 口径说明: how each figure is computed, one line each (each heads its figure's section in
# docs/口径.md), as a branch head would say it.
FIGURE_NOTES = (
    ("时间进度", "到统计日为止已过的天数 ÷ 本月天数；按“设置”的时间进度口径数自然日或工作日。"),
    ("完成率", "本月至今完成 ÷ 月目标；本周、当日的目标按天数折算。"),
    (
        "进度",
        "完成率比时间进度高出超过进度容差（默认 5%）为超出进度，低出超过容差为低于进度，"
        "其余为正常进度；没有目标就不判断进度。",
    ),
    (
        "业绩记分",
        "转介成交的金额类产品（万元、元），推荐人记分润比例（默认 30%），接收人记其余；"
        "“双计”口径下两人都记全额。张、户、笔类（信用卡、手机银行……）不拆成小数："
        "默认推荐人和接收人各记一整件，“计数归属”可只记一方。自己开发的客户全记给接收人。"
        "网点合计每笔只算一次；不同单位从不相加。",
    ),
    ("转介成功", "推荐卡在追踪表里有成交（有产品、金额大于 0）。转介成功率＝转介成功数 ÷ 转介数。"),
    (
        "综合得分",
        "即排名得分：各项有目标的指标完成率的平均，按“目标”表的权重加权（不填按 1），"
        "每项最多按完成率上限（默认 150%）计，不含转介数和清单计量（只有这些时才计）。"
        "排行榜、议程、周报只显示这一个综合数，旁边的进度也是它的进度；综合排名和之星都按它。",
    ),
    (
        "之星",
        "当期综合得分最高、且当期有成交或转介成功的人；同分时比不封顶的得分；"
        "第 1 名没有成果时不评，排行榜上写明原因。",
    ),
    (
        "明日目标",
        "（月目标 − 本月已完成）÷ 本月还营业的天数（不营业的日子不分）；张、户、笔和转介数"
        "取整数并向上取，金额保留两位小数；本月最后一个营业日没有明日目标，还差的今天完成。",
    ),
    (
        "跟进提醒",
        "追踪表“建议下次联系时间”在下一个营业日及以前的客户，早于统计日的为逾期；"
        "推荐卡登记超过未跟进天数（默认 2 天）仍没有追踪记录，列为未跟进。",
    ),
    ("协作营销占比", "经转介达成的万元类销售额 ÷ 全部万元类销售额。"),
    (
        "管理清单完成率",
        "每日清单里的已完成 ÷ 应完成；应完成是每日清单的行（“填写”按频次列出当天的事项），"
        "不适用的不算，完成情况空着的算未完成——当天夕会之后的事项（夕会、晚课、日终轧账……）当晚算"
        "待完成，第二天起才计入。按事项、时段、责任人分别统计，也分当日、本周、本月。",
    ),
    (
        "未整改",
        "每日清单里发现的问题，在“行动计划”里对应的“整改：……”一行还没有改为已完成，"
        "并且还没有整改措施，或整改期限已过。同一个问题再次发现算同一个。",
    ),
    (
        "清单计量",
        "清单项目的计量（外呼户数、沙龙场次、外拓户数……）按每日清单的数量相加，记给责任人；"
        "可以在“目标”里设目标，像转介数一样算完成率、进度和明日目标（整数），"
        "也像转介数一样不计入综合得分（只有它们时才计）。",
    ),
    (
        "数据错误",
        "有错误的行不计入用到出错那一格的数字；一笔超过单笔上限（万元 10000、元 1 亿、张户笔 1000，"
        "产品表可自定）算错误。夕会议程第一部分会先说还有几个错误没改。",
    ),
)
