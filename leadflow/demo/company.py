"""The demo company's fixed facts: who can log in, and what each login shows."""

DEMO_LOGINS = [
    ("admin", "管理员 · sees everything, Django admin at /admin/"),
    ("director", "华东大区总监 · the East-China region"),
    ("manager1", "杭州仓山店 经理 · the store's team"),
    ("rep1", "杭州仓山店 销售 · own customers"),
    ("rep2", "杭州仓山店 销售 · own customers"),
    ("rep3", "苏州相城店 销售 · own customers"),
    ("finance", "财务 · payments of every region"),
]
