"""The Chinese words of the highlights report: measure words and phrases per metric and split.

The report is written in Chinese by design (it is the document the branches hand in), so these
are not UI strings and are not translated.
"""

SECTORS = {
    # sector: (phrase before the figures, who is served)
    "tech": ("科技金融方面", "科创企业"),
    "green": ("绿色金融方面", "绿色企业"),
    "inclusive": ("普惠金融方面", "小微企业"),
    "pension": ("养老金融方面", "单位"),
    "digital": ("数字金融方面", "企业"),
}
TEAM_WORDS = {
    "party_model_post": ("设立", "个"),
    "party_commando": ("组建", "支"),
    "youth_vanguard": ("组建", "支"),
    "volunteer_team": ("组建", "支"),
}
HONOUR_WORDS = {
    "praise_ticket": ("收到表扬工单", "次"),
    "pennant": ("收到客户赠送的锦旗", "面"),
    "commendation_letter": ("获得表扬信", "封"),
    "title": ("获得荣誉称号", "项"),
}
VISITOR_GROUPS_SHOWN = 4
FLAGS = (
    ("community_finance", "社区金融网点"),
    ("elderly_finance_demo", "养老金融示范网点"),
    ("inclusive_finance_model", "普惠金融示范网点"),
)
LOVE_STATION = "为环卫工人、快递员、外卖骑手、出租车司机等户外劳动者提供休憩、充电、热饭等便民服务"
KNOWLEDGE_CORNER = "定期开展反诈宣传、假币识别等活动"
CLOSING = "文明微光在此汇聚，温暖服务持续传递。"
