"""The 共建 paragraph of a branch's section of the highlights report, written from the figures:
partnerships in force at the period's end by partner type, activities by type, people reached."""

PARTNER_WORDS = {
    "community": "社区",
    "enterprise": "企业",
    "school": "学校",
    "government": "机关",
    "other": "其他单位",
}
ACTIVITY_WORDS = {
    "party_building": "党建共联活动",
    "care_visit": "慰问困难群体",
    "joint_volunteering": "联合志愿服务",
    "scene_building": "场景共建",
    "other": "其他共建活动",
}


def partnership_paragraph(writer, branch) -> list:
    """[] when the branch's own records hold no partnership in force and no activity."""
    b, clauses = branch, []
    if writer.has(b, "partnerships_active"):
        clause = ["与", writer.fig(b, "partnerships_active", unit="家"), "单位保持共建关系"]
        kinds = [k for k in PARTNER_WORDS if writer.has(b, "partnerships_active", f"partner_type:{k}")]
        for i, kind in enumerate(kinds):
            split = f"partner_type:{kind}"
            clause += [
                "（" if i == 0 else "、",
                PARTNER_WORDS[kind],
                writer.fig(b, "partnerships_active", split, unit="家"),
            ]
        if kinds:
            clause.append("）")
        clauses.append(clause)
    if writer.has(b, "partnership_activities"):
        clause = ["联合共建单位开展共建活动", writer.fig(b, "partnership_activities", unit="次")]
        kinds = [k for k in ACTIVITY_WORDS if writer.has(b, "partnership_activities", f"activity_type:{k}")]
        for i, kind in enumerate(kinds):
            split = f"activity_type:{kind}"
            clause += ["，其中" if i == 0 else "、", ACTIVITY_WORDS[kind]]
            clause.append(writer.fig(b, "partnership_activities", split, unit="次"))
        if writer.has(b, "partnership_people_reached"):
            clause += ["，惠及群众", writer.fig(b, "partnership_people_reached", unit="人次")]
        clauses.append(clause)
    return writer.sentence(b, clauses)
