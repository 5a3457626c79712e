"""Chinese text inside the report's charts: the figures of sim/plotting/ are drawn in English (the notebooks use
them as they are), and for ``report --lang zh`` every text object of a figure (titles, axis labels, legend
entries, tick labels) is rewritten with the phrases below. A string without a match stays as it is.
"""

from __future__ import annotations

import re

from matplotlib.text import Text

# whole strings
EXACT = {
    "year": "年份", "variant": "方案", "park": "园区", "median": "中位数", "50% band": "50%区间",
    "90% band": "90%区间", "plan target": "规划目标", "industrial park": "产业园区",
    "serviced land": "已配套土地", "used or reserved": "已用或已预留", "land (亩)": "土地 (亩)",
    "longitude (°E)": "经度 (°E)", "latitude (°N)": "纬度 (°N)", "fiscal revenue (亿元)": "财政收入 (亿元)",
    "gross output (亿元)": "总产值 (亿元)", "gross industrial output (亿元)": "工业总产值 (亿元)",
    "gross output of the park's firms (亿元)": "园区企业总产值 (亿元)", "share of GDP (%)": "占GDP比重 (%)",
    "GDP per head (万元 per person)": "人均GDP (万元/人)", "income per head (yuan/yr)": "人均可支配收入 (元/年)", "villages (count)": "村数 (个)",
    "administrative villages (%)": "行政村占比 (%)", "median village": "中位数村",
    "10–90% of villages": "10–90%的村", "25–75% of villages": "25–75%的村",
    "collective operating income (万元/yr, log)": "集体经营性收入 (万元/年, 对数)",
    "probability met (share of replicates)": "达标概率 (重复次数占比)", "plan target · part · year": "规划目标 · 部分 · 年份",
    "town (grouped by development zone)": "镇街 (按发展区分组)", "5亿 mark": "5亿标线",
    "8% a year from the first year": "自首年起年均8%", "千亿 mark (1,000亿)": "千亿标线 (1,000亿)",
    "development zones (circle area: population)": "一体化发展区 (圆面积: 人口)",
    "Theil T of town GDP per head (index, 0 = equal)": "镇街人均GDP泰尔T指数 (指数, 0 = 完全均等)",
    "urban-rural income ratio": "城乡居民收入比", "陈皮 chain value": "陈皮全产业链产值",
    "Theil T between zones": "发展区间泰尔T", "Theil T within zones": "发展区内泰尔T",
    "primary 第一产业": "第一产业", "secondary 第二产业": "第二产业", "tertiary 第三产业": "第三产业",
    "新材料 (new materials)": "新材料", "新能源 (new energy)": "新能源",
    "特色示范村 under way or done": "特色示范村 (在建或建成)", "美丽宜居示范村 completed": "美丽宜居示范村 (已建成)",
    "above 100万 a year": "年收入超100万", "above 1,000万 a year": "年收入超1000万", "above 2,000万 a year": "年收入超2000万",
}
# patterns, applied in order; \1 ... keep numbers and names
PATTERNS = [
    (r"^(.+) \(zone\)$", r"\1"),
    (r"^Parks:\n", "园区:\n"),
    (r"^Xinhui District: 11 towns, 4 development zones and the industrial parks .*$",
     "新会区: 11个镇街、4个一体化发展区和产业园区 (位置为估计值, 见区域文件)"),
    (r"^Probability of meeting each plan target \((\d+) replicates per variant\)$", r"各规划目标达标概率 (每个方案\1次重复)"),
    (r"^Paired difference to (.+): mean and 95% interval over (\d+) replicate pairs \(common random numbers\)$",
     r"与\1的逐次配对差: 均值及95%区间 (\2对重复, 共同随机数)"),
    (r"^Δ vs (.+) \((.+)\)$", r"与\1之差 (\2)"),
    (r"^District GDP by variant: median and bands across (\d+) replicates; plan targets marked$",
     r"各方案全区GDP: \1次重复的中位数和区间; 标出规划目标"),
    (r"^Sector structure of GDP \(median shares across replicates\)$", "GDP三次产业结构 (各重复中位数)"),
    (r"^Town GDP per head in (\d+): median across replicates, whiskers 90% interval$", r"\1年镇街人均GDP: 中位数, 须线为90%区间"),
    (r"^Town fiscal revenue in (\d+): median across replicates, whiskers 90% interval$", r"\1年镇街财政收入: 中位数, 须线为90%区间"),
    (r"^Household income per head in (\d+): median across replicates, whiskers 90% interval$",
     r"\1年镇街居民人均可支配收入: 中位数, 须线为90%区间"),
    (r"^Fiscal revenue by development zone: median and 50% band across (\d+) replicates$",
     r"各发展区财政收入: \1次重复的中位数和50%区间"),
    (r"^Inequality of town GDP per head \(population-weighted Theil T\): median and 90% band across (\d+) replicates$",
     r"镇街人均GDP差距 (人口加权泰尔T): \1次重复的中位数和90%区间"),
    (r"^Administrative villages by collective operating income \(集体经营性收入\): median and 90% band across (\d+) "
     r"replicates$", r"按集体经营性收入分的行政村: \1次重复的中位数和90%区间"),
    (r"^Collective operating income of the administrative villages, pooled over (\d+) replicates$",
     r"行政村集体经营性收入 (合并\1次重复)"),
    (r"^Demonstration villages: median and 90% band across (\d+) replicates$", r"示范村: \1次重复的中位数和90%区间"),
    (r"^Industrial output by sector \(工业总产值, median across replicates, stacked\)$", "分行业工业总产值 (各重复中位数, 堆叠)"),
    (r"^千亿 clusters: median and 90% band across (\d+) replicates$", r"千亿集群: \1次重复的中位数和90%区间"),
    (r"^Industrial output by park \(median across replicates\)$", "各园区产值 (各重复中位数)"),
    (r"^Industrial land of the parks in (\d+) \(median across replicates\)$", r"\1年园区用地 (各重复中位数)"),
    (r"^target year (\d+)$", r"目标年 \1"),
    (r"^(.+) \(2033: ", r"\1 (2033年: "),
    (r"^villages > (\d+)万 income, (\d+)$", r"集体收入超\1万的村, \2"),
    (r"^towns with fiscal revenue > 5亿, (\d+)$", r"财政收入超5亿的镇街, \1"),
    (r"^(新材料|新能源) output, (\d+)$", r"\1产值, \2"),
    (r"^Theil T (between|within) zones, (\d+)$", lambda m: ("发展区间" if m[1] == "between" else "发展区内") + f"泰尔T, {m[2]}"),
    (r"^新台 co-built park \(台山\)$", "新台共建园 (台山)"),
    (r"^Sensitivity ranking \((Morris|Sobol)\), top (\d+) parameters per output$", r"敏感性排序 (\1): 每个输出前\2个参数"),
    (r"^μ\* \(mean \|elementary effect\|\)$", "μ* (基本效应绝对值均值)"),
    (r"^σ \(interactions, non-linearity\)$", "σ (交互作用、非线性)"),
    (r"^ST \(total order\)$", "ST (总效应)"), (r"^S1 \(first order\)$", "S1 (一阶效应)"),
    (r"^Sobol index \(share of variance\)$", "Sobol指数 (方差占比)"),
    (r"^parameter$", "参数"),
]


def to_chinese(text: str) -> str:
    from sim.batch.summary import LABELS

    if text in EXACT:
        return EXACT[text]
    head = text.split(" · ")[0]
    if head in LABELS:  # heat map rows: target id · part · year
        label = LABELS[head][0].replace(" {part}", "")
        return " · ".join([label, *text.split(" · ")[1:]])
    for pattern, replacement in PATTERNS:
        new, count = re.subn(pattern, replacement, text, flags=re.S)
        if count:
            return new
    return text


def translate_figure(fig) -> None:
    """Rewrite every text of ``fig`` in Chinese where a phrase matches (in place)."""
    for text in fig.findobj(Text):
        value = text.get_text()
        if value:
            new = to_chinese(value)
            if new != value:
                text.set_text(new)
    for ax in fig.axes:  # tick labels set as a list are redrawn from the axis' formatter: set them anew
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_ticklabels()
            labels = [t.get_text() for t in ticks]
            translated = [to_chinese(label) for label in labels]
            if translated != labels:
                first = ticks[0]
                axis.set_ticks(axis.get_ticklocs(), translated, fontsize=first.get_fontsize(),
                               rotation=first.get_rotation(), ha=first.get_ha())
