"""The demo company's fixed facts: who can log in, and what each login shows."""

DEMO_LOGINS = [
    ("admin", "管理员 · sees everything, Django admin at /admin/"),
    ("director", "华东大区总监 · the East-China region"),
    ("manager1", "杭州仓山店 经理 · the store's team"),
    ("rep1", "杭州仓山店 销售 · own customers"),
    ("rep2", "杭州仓山店 销售 · own customers"),
    ("rep3", "苏州相城店 销售 · own customers"),
    ("finance", "财务 · payments of every region, the review queue of held payments"),
    ("engineer1", "技术支持部 工程师 · collaboration tickets (协同工单)"),
]

# rep1's showcase customer: a hospital with a long, rich timeline (100+ activities).
FLAGSHIP_CUSTOMER = "杭州仁和康复医院有限公司"
# In the ``large`` dataset only: rep1's customer with exactly BENCH_TIMELINE_SIZE activities.
BENCH_CUSTOMER = "浙江千禾医疗集团有限公司"
BENCH_TIMELINE_SIZE = 1000
