"""The agenda's stock wording (SPEC §4), kept in one place so branches can see and change it.

Templates decide wording and layout; these are the facts of the meeting method: each section's
minutes, the causes to discuss when sales lag, and a one-sentence script per indicator for the
training slot.
"""

from __future__ import annotations

# Minutes for the four sections (SPEC §4 gives the daily meeting; weekly and monthly get more room).
SECTION_MINUTES = {"daily": (3, 7, 7, 3), "weekly": (5, 10, 10, 5), "monthly": (10, 15, 10, 10)}
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
PHONE_SCRIPT = "电话邀约：“您好，我是XX银行的理财经理X，您的理财X日到期，我们新到一款稳健产品，您方便这周来网点聊聊吗？”"
