"""The year's highlights report of a node, written in Chinese like the article the portal grew
from: the node's overview and one section per direct child with something to report, each
child's figures its whole subtree's (the reader drills into a child for its own report). What the
report costs depends on the node's children, never on the size of its subtree (issue 19).

Every figure comes from the roll-up store (reports.figures.FigureBook, which reads
metrics.selectors); the stories come from the records themselves, picked from the whole subtree
(reports.cases).
"""

from dataclasses import dataclass, field
from functools import partial

from django.utils import translation

from branches.models import Branch
from core.kinds import record_kinds
from core.periods import Period
from dashboards.labels import split_label
from metrics.templatetags.figures import format_yuan
from reports import wording as W
from reports.cases import Cases, ReportPhoto, load_cases
from reports.figures import CUMULATIVE, FigureBook, zh_date, zh_period, zh_period_end, zh_wan
from reports.text import stored_from_parts, to_segments

OVERVIEW_METRICS = (
    ("home_visits", "上门服务", "次"),
    ("outreach_events", "外出金融服务", "场"),
    ("antifraud_interventions", "成功拦截电信网络诈骗", "起"),
    ("antifraud_sessions", "反诈宣传", "场"),
    ("volunteer_person_times", "志愿服务", "人次"),
    ("love_station_visits", "爱心驿站服务户外劳动者", "人次"),
    ("financing_amount_cny", "发放各类融资", ""),
)


# The sections that quote cumulative financing (截至年末累计…户): a city branch and below. The
# distinct count behind it reads every year's members of the branch's subtree; for a province
# or the head office that is millions of rows, so their sections tell the period's figures only.
CUMULATIVE_LEVELS = (Branch.Level.CITY, Branch.Level.SUB_BRANCH, Branch.Level.OUTLET)


@dataclass
class Section:
    key: str  # the branch code
    branch: Branch
    title: str
    stored: str  # generated text, or the draft's when one is applied
    photos: list[ReportPhoto] = field(default_factory=list)
    segments: list = field(default_factory=list)
    child: bool = False  # a direct child of the report's node: the reader may open its own report


@dataclass
class Report:
    node: Branch
    period: Period
    sections: list[Section]
    book: FigureBook
    draft: object = None

    @property
    def title(self) -> str:
        return f"{self.node.name}{zh_period(self.period)}精神文明建设工作亮点"

    @property
    def tells_children(self) -> bool:
        """Some sections are the node's direct children, each summed up with its subtree."""
        return any(section.child for section in self.sections)

    @property
    def figures(self):
        """The structured list behind the text: one Figure per roll-up number used."""
        return self.book.figures

    def apply(self, draft) -> None:
        """Show a user's edited text instead of the generated one (sections it does not hold stay)."""
        self.draft = draft
        for section in self.sections:
            if draft and section.key in draft.sections:
                section.stored = draft.sections[section.key]
        self.render()

    def render(self) -> None:
        for section in self.sections:
            section.segments = to_segments(section.stored, self.book.resolve)

    def links_used(self) -> list:
        """The links of the rendered text, in reading order, each once (the exports' footnotes)."""
        seen, out = set(), []
        for section in self.sections:
            for para in section.segments:
                for part in para:
                    if not isinstance(part, str) and part.id not in seen:
                        seen.add(part.id)
                        out.append(part)
        return out


def build_report(user, node: Branch, period: Period) -> Report:
    """The generated report (Chinese whatever the UI language): the node's overview and its
    direct children's sections, in a fixed number of queries whatever the subtree holds."""
    with translation.override("zh-hans"):
        children = list(Branch.objects.filter(parent=node).order_by("path"))
        told = children or [node]
        cumulative = [b for b in told if b.level in CUMULATIVE_LEVELS]
        book = FigureBook.load([node, *children], period, cumulative=cumulative)
        cases = load_cases(user, node, period)
        writer = _Writer(book, cases, period, children)
        sections = []
        if children:
            sections.append(Section(node.code, node, node.name, writer.overview(node), cases.photos.get(node.pk, [])))
        for branch in children or [node]:
            paragraphs = writer.branch(branch)
            if paragraphs:
                photos = cases.photos.get(branch.pk, [])
                text = stored_from_parts(paragraphs)
                sections.append(Section(branch.code, branch, branch.name, text, photos, child=bool(children)))
        report = Report(node, period, sections, book)
        report.render()
        return report


class _Writer:
    def __init__(self, book: FigureBook, cases: Cases, period: Period, children=()):
        self.book, self.cases, self.period = book, cases, period
        self.children = {b.pk for b in children}  # told with their whole subtree
        self.when = zh_period(period)

    # --- helpers --------------------------------------------------------------------------

    def fig(self, branch, metric, split="", unit="", scope="period"):
        return self.book.figure(branch, metric, split, unit=unit, scope=scope)

    def has(self, branch, metric, split="", scope="period") -> bool:
        """The branch's section tells the figure: its records add to it (the report's node:
        its own records, as its children tell theirs; a child: its whole subtree's)."""
        return bool(self.book.own(branch, metric, split, scope))

    def station_only(self, branch) -> bool:
        """The love-station visits told in the branch's section are its own station's: an
        outlet, or the report's node told on its own (not a child summed up with its subtree)."""
        return branch.pk not in self.children or branch.level == Branch.Level.OUTLET

    @staticmethod
    def name(branch) -> str:
        return branch.short_name or branch.name

    def sentence(self, branch, clauses: list[list]) -> list:
        """ "2025年，硚口支行营业室" + clauses joined by "；" + "。"."""
        if not clauses:
            return []
        parts = [f"{self.when}，{self.name(branch)}"]
        for i, clause in enumerate(clauses):
            parts += (["；"] if i else []) + clause
        return [*parts, "。"]

    # --- the root node's overview ------------------------------------------------------------

    def overview(self, node) -> str:
        clauses = []
        for metric, words, unit in OVERVIEW_METRICS:
            if self.book.value(node, metric):
                clauses.append([words, self.fig(node, metric, unit=unit)])
        first = [f"{self.when}，{self.name(node)}辖内各机构坚持金融为民初心，将营业网点打造成传递温情的“暖心驿站”"]
        if clauses:
            first.append("：")
            for i, clause in enumerate(clauses):
                first += (["，"] if i else []) + clause
        first.append("。")
        return stored_from_parts([first, [W.CLOSING]])

    # --- a branch's section ------------------------------------------------------------------

    def branch(self, branch) -> list[list]:
        writers = [
            (0, self.profile),
            (10, self.services),
            (20, self.financing),
            (30, self.antifraud),
            (40, self.people),
            (50, self.honours),
            (60, self.love_station),
            (70, self.cash_cases),
        ]
        writers += [(k.report_part.order, partial(k.report_part.write, self)) for k in record_kinds() if k.report_part]
        writers.sort(key=lambda pair: pair[0])  # stable: the report's own paragraph first on a tie
        paragraphs = [write(branch) for _order, write in writers]
        has_records = any(p for p in paragraphs[1:]) or self.cases.of(branch)
        return [p for p in paragraphs if p] if has_records else []

    def profile(self, branch) -> list:
        flags = [words for name, words in W.FLAGS if getattr(branch, name)]
        parts = []
        if branch.population_served:
            parts.append(f"{self.name(branch)}扎根社区，服务居民约{zh_wan(branch.population_served)}人。")
        if flags:
            parts.append(f"作为{'、'.join(flags)}，该行持续提升金融服务的便利度与温度。")
        return ["".join(parts)] if parts else []

    def services(self, branch) -> list:
        b, clauses = branch, []
        if self.has(b, "outreach_events"):
            clause = ["组织外出金融服务", self.fig(b, "outreach_events", unit="场")]
            if self.book.value(b, "outreach_attendees"):
                clause += ["，受众", self.fig(b, "outreach_attendees", unit="人次")]
            clauses.append(clause)
        if self.has(b, "home_visits"):
            clauses.append(["为行动不便的老人、特殊群体提供上门服务", self.fig(b, "home_visits", unit="次")])
        if self.has(b, "cash_services"):
            clause = ["提供现金服务", self.fig(b, "cash_services", unit="次")]
            if self.book.value(b, "cash_pieces_counted"):
                clause += ["，清点", self.fig(b, "cash_pieces_counted", unit="枚")]
            clauses.append(clause)
        return self.sentence(b, clauses)

    def financing(self, branch) -> list:
        b, clauses = branch, []
        for sector, (lead, served) in W.SECTORS.items():
            split = f"sector:{sector}"
            if not self.has(b, "financing_entities", split):
                continue
            clause = [lead, "，"]
            amount = self.book.value(b, "financing_amount_cny", split)
            if sector == "pension":
                clause += ["企业年金受托等业务覆盖", self.fig(b, "financing_entities", split, unit="家"), served]
            else:
                clause += ["向", self.fig(b, "financing_enterprises", split, unit="户"), served]
                clause += ["发放融资", self.fig(b, "financing_amount_cny", split)] if amount else ["提供服务"]
            cumulative = self.book.value(b, "financing_enterprises", split, CUMULATIVE)
            told = b.pk in self.book.cumulative_ids  # a city branch or below (CUMULATIVE_LEVELS)
            if told and sector != "pension" and cumulative > self.book.value(b, "financing_enterprises", split):
                clause += [f"，截至{zh_period_end(self.period)}累计为"]
                clause += [self.fig(b, "financing_enterprises", split, unit="户", scope=CUMULATIVE), served]
                clause += ["发放融资", self.fig(b, "financing_amount_cny", split, scope=CUMULATIVE)]
            clauses.append(clause)
        return self.sentence(b, clauses)

    def antifraud(self, branch) -> list:
        b, clauses = branch, []
        if self.has(b, "antifraud_interventions"):
            clause = ["成功拦截电信网络诈骗", self.fig(b, "antifraud_interventions", unit="起")]
            if self.book.value(b, "antifraud_funds_protected_cny"):
                clause += ["，经公安机关确认拦截资金", self.fig(b, "antifraud_funds_protected_cny")]
            clauses.append(clause)
        if self.has(b, "antifraud_sessions"):
            clause = ["联动社区、企业、学校开展反诈宣传", self.fig(b, "antifraud_sessions", unit="场")]
            if self.book.value(b, "antifraud_audience"):
                clause += ["，受众", self.fig(b, "antifraud_audience", unit="人次")]
            clauses.append(clause)
        parts = self.sentence(b, clauses)
        for case in self.cases.interventions.get(b.pk, []):
            parts += self.intervention_story(case)
        for letter in self.cases.letters.get(b.pk, []):
            parts += self.letter_story(letter)
        return parts

    def intervention_story(self, case) -> list:
        book = self.book
        day = book.fact(case, "occurred_on", case.occurred_on, zh_date(case.occurred_on, self.period))
        parts = [day, f"，面对客户{case.get_channel_display()}的要求，网点员工细心察觉客户情绪异常，"]
        parts.append(f"结合“{case.get_fraud_type_display()}”类诈骗特征立即警觉，一边安抚客户一边联动民警劝导")
        police = case.police_unit or "公安机关反诈民警"
        if case.status == case.Status.CONFIRMED and case.amount_protected:
            amount = book.fact(case, "amount_protected", case.amount_protected, format_yuan(case.amount_protected))
            parts += [f"，{police}迅速到场，经公安机关确认成功拦截资金", amount, "。"]
        else:
            parts.append(f"，{police}第一时间抵达网点，客户最终放弃交易")
            if case.amount_at_risk:
                amount = book.fact(case, "amount_at_risk", case.amount_at_risk, format_yuan(case.amount_at_risk))
                parts += ["，避免了", amount, "资金损失"]
            parts.append("。")
        return parts

    def letter_story(self, letter) -> list:
        day = self.book.fact(letter, "occurred_on", letter.occurred_on, zh_date(letter.occurred_on, self.period))
        issuer = letter.issuer or "有关单位"
        earned_by_case = letter.linked_type_id and letter.linked_type.model == "intervention"
        about = "，对该行在金融反诈工作中的突出表现予以表彰" if earned_by_case else ""
        return [
            day,
            f"，网点收到来自{issuer}的",
            self.book.fact(letter, "title", letter.title, letter.title),
            f"{about}。",
        ]

    def people(self, branch) -> list:
        b, clauses = branch, []
        teams = [f"kind:{kind}" for kind in W.TEAM_WORDS if self.has(b, "teams_active", f"kind:{kind}")]
        if teams:
            clause = []
            previous = None
            for split in teams:
                verb, unit = W.TEAM_WORDS[split.partition(":")[2]]
                label = split_label("teams_active", split)
                lead = ("、" if verb == previous else "，" + verb) if previous else verb
                clause += [f"{lead}{label}", self.fig(b, "teams_active", split, unit=unit)]
                previous = verb
            clauses.append(clause)
        if self.has(b, "volunteer_activities"):
            clause = ["开展志愿活动", self.fig(b, "volunteer_activities", unit="次")]
            clause += ["，志愿服务", self.fig(b, "volunteer_person_times", unit="人次")]
            if self.book.value(b, "volunteer_hours"):
                clause += ["，服务时长", self.fig(b, "volunteer_hours", unit="小时")]
            clauses.append(clause)
        return self.sentence(b, clauses)

    def honours(self, branch) -> list:
        b, clauses = branch, []
        for kind, (words, unit) in W.HONOUR_WORDS.items():
            split = f"kind:{kind}"
            if kind != "title" and self.has(b, "honours", split):
                clauses.append([words, self.fig(b, "honours", split, unit=unit)])
        titles = self.cases.titles.get(b.pk, [])
        if titles:
            clause = ["先后获得"]
            for i, title in enumerate(titles):
                shown = title.title if "“" in title.title else f"“{title.title}”"
                clause += (["、"] if i else []) + [self.book.fact(title, "title", title.title, shown)]
            clause.append("等荣誉称号")
            if self.has(b, "honours", "kind:title"):
                clause += ["，共", self.fig(b, "honours", "kind:title", unit="项")]
            clauses.append(clause)
        elif self.has(b, "honours", "kind:title"):
            clauses.append(["获得荣誉称号", self.fig(b, "honours", "kind:title", unit="项")])
        return self.sentence(b, clauses)

    def love_station(self, branch) -> list:
        b = branch
        since = b.love_station_since
        own_station = bool(since and since <= self.period.last.year)
        parts = []
        if own_station:
            parts.append(f"自{since}年起，{self.name(b)}打造“爱心驿站”，{W.LOVE_STATION}。")
            corner = b.knowledge_corner_since
            if corner and corner <= self.period.last.year:
                verb = "新增" if corner >= self.period.first.year else "设有"
                parts.append(f"{corner}年起，驿站{verb}“金融知识角”，{W.KNOWLEDGE_CORNER}。")
        elif not self.has(b, "love_station_visits"):
            return []
        if self.has(b, "love_station_visits"):
            where = "驿站" if own_station and self.station_only(b) else f"{self.name(b)}辖内爱心驿站"
            parts += [f"{self.when}，{where}服务户外劳动者", self.fig(b, "love_station_visits", unit="人次")]
            groups = self.book.splits(b, "love_station_visits", "visitor_group")[: W.VISITOR_GROUPS_SHOWN]
            for i, (split, _v) in enumerate(groups):
                label = split_label("love_station_visits", split)
                parts += ["，其中" if i == 0 else "、", label, self.fig(b, "love_station_visits", split, unit="人次")]
            if self.book.value(b, "love_station_visits", "service:knowledge"):
                parts += ["；金融知识角服务", self.fig(b, "love_station_visits", "service:knowledge", unit="人次")]
            parts.append("。")
        return parts

    def cash_cases(self, branch) -> list:
        parts = []
        for service in self.cases.cash.get(branch.pk, [])[:1]:
            book = self.book
            day = book.fact(service, "occurred_on", service.occurred_on, zh_date(service.occurred_on, self.period))
            pieces = book.fact(service, "pieces_counted", service.pieces_counted, f"{service.pieces_counted:,}枚")
            who = service.customer_description or service.get_customer_type_display()
            parts += [day, f"，{who}积累了大量零钱、残钞，网点开辟“绿色通道”，安排专属窗口，"]
            parts += [f"高效完成{service.get_service_display()}", pieces]
            if service.amount:
                parts += ["，金额", book.fact(service, "amount", service.amount, format_yuan(service.amount))]
            parts.append("，为客户排忧解难。")
        return parts
