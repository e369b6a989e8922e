"""The demo company's raw material: people, places, products and words, as plain data.

Everything the generator draws from lives here, so that making the demo more believable means
editing tables, not code. Addresses use real districts and real roads of real cities (cpca parses
them); area codes and mobile prefixes are ones ``phonenumbers`` accepts as valid.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Org ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    username: str
    name: str


@dataclass(frozen=True)
class TeamSpec:
    name: str
    manager: Person
    reps: tuple[Person, ...]
    focus: str = ""  # an industry when the team sells only to it


@dataclass(frozen=True)
class BranchSpec:
    name: str
    kind: str  # "store" or "branch"
    region: str  # region code
    city: str
    # The cities (keys of CITIES) whose customers this branch serves.
    territory: tuple[str, ...]
    teams: tuple[TeamSpec, ...]


# (code, name, director)
REGIONS = [
    ("east", "华东", Person("director", "周海峰")),
    ("south", "华南", Person("linguohua", "林国华")),
]

P = Person
BRANCHES = [
    BranchSpec(
        "杭州仓山店",
        "store",
        "east",
        "杭州市",
        ("杭州", "绍兴"),
        (
            TeamSpec("一组", P("manager1", "王建国"), (P("rep1", "李明"), P("rep2", "张伟"))),
            TeamSpec(
                "二组",
                P("wuxiaoyan", "吴晓燕"),
                (P("sunhao", "孙浩"), P("xuli", "徐丽"), P("zhulei", "朱磊")),
            ),
        ),
    ),
    BranchSpec(
        "苏州相城店",
        "store",
        "east",
        "苏州市",
        ("苏州", "无锡"),
        (
            TeamSpec(
                "一组",
                P("shenguoqiang", "沈国强"),
                (P("rep3", "陈静"), P("guwei", "顾伟"), P("luting", "陆婷"), P("qianjun", "钱俊")),
            ),
        ),
    ),
    BranchSpec(
        "宁波鄞州分公司",
        "branch",
        "east",
        "宁波市",
        ("宁波", "台州"),
        (
            TeamSpec(
                "一组",
                P("huzhigang", "胡志刚"),
                (
                    P("yingjia", "应佳"),
                    P("maohaiyan", "毛海燕"),
                    P("shaobin", "邵斌"),
                    P("renjie", "任洁"),
                    P("baoxiaodong", "鲍晓东"),
                ),
            ),
        ),
    ),
    BranchSpec(
        "上海浦东分公司",
        "branch",
        "east",
        "上海市",
        ("上海", "嘉兴"),
        (
            TeamSpec(
                "医疗组",
                P("huanglijuan", "黄丽娟"),
                (P("yangfan", "杨帆"), P("jiangmin", "蒋敏"), P("hanxue", "韩雪"), P("caoyang", "曹阳")),
                "medical",
            ),
            TeamSpec(
                "工业组",
                P("tangzhenhua", "唐振华"),
                (P("fengtao", "冯涛"), P("xujiayi", "许佳怡"), P("pengyong", "彭勇")),
                "hardware",
            ),
        ),
    ),
    BranchSpec(
        "广州天河店",
        "store",
        "south",
        "广州市",
        ("广州", "佛山"),
        (
            TeamSpec(
                "一组",
                P("liangzhiming", "梁志明"),
                (
                    P("hewanting", "何婉婷"),
                    P("luojiaxin", "罗嘉欣"),
                    P("xiejunjie", "谢俊杰"),
                    P("zhengweiqiang", "郑伟强"),
                ),
            ),
        ),
    ),
    BranchSpec(
        "深圳南山分公司",
        "branch",
        "south",
        "深圳市",
        ("深圳",),
        (
            TeamSpec(
                "一组",
                P("denglihua", "邓丽华"),
                (
                    P("panzhihao", "潘志豪"),
                    P("duxiaoming", "杜晓明"),
                    P("yesimin", "叶思敏"),
                    P("caiwenbo", "蔡文博"),
                    P("wenjiayi", "温嘉怡"),
                ),
            ),
        ),
    ),
]
del P

ADMIN = Person("admin", "系统管理员")
# (person, region code or None): finance without a region sees every region's money.
FINANCE = [(Person("finance", "刘芳"), None), (Person("chenmeiling", "陈美玲"), "south")]
# 技术支持部: installs, trains and writes POC reports; owns no customers and is in no team. The first
# is the department's ticket owner (the escalation gives a ticket to its first member).
SUPPORT = [Person("engineer1", "高远"), Person("engineer2", "马骏"), Person("engineer3", "邓雪")]

# --- Places ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitySpec:
    province: str
    city: str  # as written in an address ("上海市" for the municipality)
    area_code: str
    districts: dict[str, tuple[str, ...]]  # district → real roads in it


CITIES: dict[str, CitySpec] = {
    "杭州": CitySpec(
        "浙江省",
        "杭州市",
        "0571",
        {
            "西湖区": ("文三路", "天目山路", "教工路", "学院路", "文二西路"),
            "拱墅区": ("莫干山路", "湖墅南路", "丽水路", "台州路"),
            "上城区": ("解放路", "庆春路", "秋涛路", "望江路"),
            "滨江区": ("江南大道", "滨盛路", "长河路", "江虹路"),
            "余杭区": ("文一西路", "五常大道", "荆长路"),
            "萧山区": ("市心中路", "金城路", "山阴路"),
        },
    ),
    "绍兴": CitySpec(
        "浙江省",
        "绍兴市",
        "0575",
        {"越城区": ("解放北路", "中兴中路", "胜利东路"), "柯桥区": ("笛扬路", "金柯桥大道", "鉴湖路")},
    ),
    "苏州": CitySpec(
        "江苏省",
        "苏州市",
        "0512",
        {
            "相城区": ("相城大道", "华元路", "嘉元路", "阳澄湖东路"),
            "姑苏区": ("人民路", "干将东路", "三香路"),
            "吴中区": ("东吴北路", "宝带西路", "吴中大道"),
            "虎丘区": ("狮山路", "长江路", "竹园路"),
            "吴江区": ("中山南路", "鲈乡北路", "开平路"),
        },
    ),
    "无锡": CitySpec(
        "江苏省",
        "无锡市",
        "0510",
        {"梁溪区": ("中山路", "解放南路", "人民中路"), "滨湖区": ("梁溪路", "太湖大道", "蠡湖大道")},
    ),
    "宁波": CitySpec(
        "浙江省",
        "宁波市",
        "0574",
        {
            "鄞州区": ("天童南路", "四明中路", "钱湖北路", "惠风东路"),
            "海曙区": ("中山西路", "药行街", "望春路"),
            "江北区": ("人民路", "大庆南路", "环城北路"),
            "北仑区": ("明州路", "新大路", "长江路"),
        },
    ),
    "台州": CitySpec("浙江省", "台州市", "0576", {"椒江区": ("市府大道", "东海大道", "中山西路")}),
    "上海": CitySpec(
        "上海市",
        "上海市",
        "021",
        {
            "浦东新区": ("张杨路", "世纪大道", "浦东南路", "杨高南路", "川沙路"),
            "闵行区": ("七莘路", "莘松路", "沪闵路"),
            "徐汇区": ("漕溪北路", "宜山路", "肇嘉浜路"),
            "静安区": ("南京西路", "共和新路", "延长中路"),
        },
    ),
    "嘉兴": CitySpec("浙江省", "嘉兴市", "0573", {"南湖区": ("中山东路", "东升东路", "广穹路")}),
    "广州": CitySpec(
        "广东省",
        "广州市",
        "020",
        {
            "天河区": ("天河路", "天河北路", "体育西路", "黄埔大道西"),
            "越秀区": ("中山五路", "东风中路", "环市东路"),
            "海珠区": ("新港中路", "江南大道中", "工业大道北"),
            "白云区": ("白云大道北", "机场路", "广园中路"),
            "番禺区": ("番禺大道北", "清河东路", "迎宾路"),
        },
    ),
    "佛山": CitySpec(
        "广东省",
        "佛山市",
        "0757",
        {
            "禅城区": ("季华五路", "汾江中路", "祖庙路"),
            "南海区": ("南海大道北", "桂澜北路", "海八路"),
            "顺德区": ("德民路", "南国路", "东乐路"),
        },
    ),
    "深圳": CitySpec(
        "广东省",
        "深圳市",
        "0755",
        {
            "南山区": ("科技南路", "南海大道", "南山大道", "后海大道"),
            "福田区": ("深南大道", "福华路", "益田路", "彩田路"),
            "宝安区": ("宝安大道", "创业一路", "新湖路"),
            "龙岗区": ("龙岗大道", "龙翔大道", "黄阁路"),
        },
    ),
}

# Mobile prefixes that phonenumbers accepts for any 8 following digits (checked by the tests).
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 "
    "173 175 176 177 180 181 182 183 185 186 187 188 189 191 193 195 198 199"
).split()

# --- People's names -------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤"
)
GIVEN_NAMES = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 燕 辉 鹏 华 飞 玲 斌 宇 浩 凯 "
    "建华 志强 晓燕 海燕 国庆 丽华 文斌 俊杰 雪梅 振宇 佳琪 子涵 浩然 宇航 欣怡 思远 晨曦 嘉豪 慧敏 春梅 "
    "红霞 玉兰 建军 建国 永强 明辉 秋菊 美玲 雅婷 一鸣 天宇 建平 晓东 海波 志伟 丽娟 秀兰 金凤 立新 卫东 "
    "文华 国平 晓峰 亚楠 梦瑶 子豪 雨欣 俊宇 家明 少华 婉婷 国梁 德明 学军 爱民 伟民 晓丽 红梅 永红 兰芳"
).split()

# --- Companies ------------------------------------------------------------------------------

# 字号 (trade names) are built from these two halves; pairs read like real shop names.
TRADE_FIRST = "康华瑞恒鑫永金宏盛嘉博信泰安德和佳润丰益立诚天正兴联海新明远汇众仁百爱卓中万千普利大宝东凯"
TRADE_SECOND = "康华瑞恒鑫达盛源泰安德和宁润丰益信诚成兴联通明远辉航发隆祥顺宇鸿"
# Pairs that read as a word or as a well-known company's name.
TRADE_AVOID = set("利润 联通 中通 中信 中兴 万达 华润 海康 恒瑞 大发 大通 新华 中华 大成 东方".split())


@dataclass(frozen=True)
class CustomerType:
    code: str
    industry: str  # customers.Industry value
    weight: float
    # Name templates: {city} 杭州, {district} 西湖区, {trade} 恒信, {road} 文三路 (without 路/大道 …).
    names: tuple[str, ...]
    # 登记管理部门 + 机构类别 of its credit codes: 12 事业单位, 52 民办非企业, 91 企业, 92 个体工商户
    credit_prefix: tuple[str, ...]
    lines: tuple[str, ...]  # product-line codes it buys
    titles: tuple[str, ...]  # contacts' job titles
    payment_terms: tuple[str, ...]
    landline: float  # share whose main phone is a landline (else the boss's mobile)
    chat: str  # "wecom" or "dingtalk": the channel most of them use
    contacts: tuple[int, int]


CUSTOMER_TYPES = [
    CustomerType(
        "hospital",
        "medical",
        1.0,
        (
            "{city}市{district}人民医院",
            "{city}市{district}中医院",
            "{city}市{district}第二人民医院",
            "{city}市{district}妇幼保健院",
            "{city}{trade}医院有限公司",
            "{city}{trade}骨科医院",
            "{city}{trade}眼科医院有限公司",
            "{city}{trade}康复医院",
        ),
        ("12", "91"),
        ("monitor", "ultrasound", "consumables", "software"),
        ("院长", "设备科科长", "采购科主任", "ICU主任", "护士长", "医务科科长", "信息科科长"),
        ("net60", "net90"),
        0.9,
        "wecom",
        (2, 4),
    ),
    CustomerType(
        "community",
        "medical",
        0.6,
        ("{city}市{district}{road}社区卫生服务中心", "{city}市{district}{trade}社区卫生服务站"),
        ("12",),
        ("monitor", "consumables"),
        ("主任", "护士长", "药剂科负责人"),
        ("net60", "net90"),
        0.8,
        "wecom",
        (1, 2),
    ),
    CustomerType(
        "clinic",
        "medical",
        1.2,
        (
            "{city}{trade}口腔诊所",
            "{city}{district}{trade}中医诊所",
            "{city}{trade}综合门诊部",
            "{city}{trade}医疗美容诊所",
            "{city}{district}{trade}诊所",
        ),
        ("52", "92"),
        ("consumables", "monitor"),
        ("负责人", "院长", "护士长", "采购"),
        ("cash", "cod", "net30"),
        0.4,
        "wecom",
        (1, 2),
    ),
    CustomerType(
        "med_dealer",
        "medical",
        0.8,
        (
            "{city}{trade}医疗器械有限公司",
            "{province}{trade}医疗科技有限公司",
            "{city}{trade}医药有限公司",
            "{city}{trade}医疗设备有限公司",
        ),
        ("91",),
        ("monitor", "ultrasound", "consumables"),
        ("总经理", "采购经理", "销售总监", "商务专员"),
        ("net30", "net60"),
        0.7,
        "wecom",
        (1, 3),
    ),
    CustomerType(
        "pharmacy",
        "medical",
        0.5,
        ("{city}{trade}大药房有限公司", "{city}{trade}大药房连锁有限公司", "{city}{district}{trade}药店"),
        ("91", "92"),
        ("consumables",),
        ("店长", "采购", "老板"),
        ("cash", "net30"),
        0.5,
        "wecom",
        (1, 2),
    ),
    CustomerType(
        "hw_dealer",
        "hardware",
        1.1,
        (
            "{city}{trade}五金机电有限公司",
            "{city}{trade}紧固件有限公司",
            "{city}{trade}机电设备有限公司",
            "{city}{trade}工具有限公司",
            "{province}{trade}五金交电有限公司",
        ),
        ("91",),
        ("fasteners", "tools", "safety"),
        ("总经理", "采购经理", "仓库主管", "老板"),
        ("net30", "net60", "cod"),
        0.6,
        "dingtalk",
        (1, 3),
    ),
    CustomerType(
        "hw_store",
        "hardware",
        1.3,
        (
            "{city}{district}{trade}五金店",
            "{city}{trade}五金建材商行",
            "{city}{district}{trade}建材经营部",
            "{city}{trade}五金商店",
        ),
        ("92",),
        ("tools", "fasteners"),
        ("老板", "店长", "老板娘"),
        ("cash", "cod"),
        0.2,
        "wecom",
        (1, 2),
    ),
    CustomerType(
        "factory",
        "hardware",
        0.9,
        (
            "{city}{trade}精密机械有限公司",
            "{city}{trade}汽车零部件有限公司",
            "{city}{trade}电子科技有限公司",
            "{city}{trade}模具有限公司",
            "{city}{trade}建设工程有限公司",
            "{city}{trade}机械制造有限公司",
        ),
        ("91",),
        ("fasteners", "safety", "tools"),
        ("采购主管", "设备部经理", "仓库主管", "生产经理", "总经理"),
        ("net60", "net90", "net30"),
        0.8,
        "dingtalk",
        (1, 3),
    ),
]

CUSTOMER_SOURCES = [
    ("referral", 3),
    ("exhibition", 2),
    ("cold_call", 3),
    ("website", 1),
    ("wecom", 2),
    ("dingtalk", 1),
    ("import", 2),
]

# --- Catalogue ------------------------------------------------------------------------------

# (code, name, pipeline industry, deal names, deal amount range in yuan)
PRODUCT_LINES = [
    (
        "monitor",
        "监护设备",
        "medical",
        ("{short}监护仪采购项目", "{short}病区监护系统升级", "{short}除颤仪配置项目"),
        (30_000, 300_000),
    ),
    (
        "ultrasound",
        "超声影像",
        "medical",
        ("{short}彩超采购项目", "{short}便携超声采购", "{short}超声探头更换"),
        (120_000, 800_000),
    ),
    (
        "consumables",
        "医用耗材",
        "fmcg",
        ("{short}耗材年度供货", "{short}检验耗材集采", "{short}耗材试单"),
        (20_000, 200_000),
    ),
    ("software", "信息化软件", "saas", ("{short}设备管理云平台", "{short}设备物联网改造"), (48_000, 200_000)),
    (
        "fasteners",
        "紧固件",
        "hardware",
        ("{short}紧固件年度框架协议", "{short}螺栓螺母供货", "{short}膨胀螺栓工程配套"),
        (10_000, 300_000),
    ),
    (
        "tools",
        "电动工具",
        "hardware",
        ("{short}电动工具铺货", "{short}工具补货计划", "{short}锂电工具专柜"),
        (5_000, 80_000),
    ),
    ("safety", "劳保用品", "", ("{short}劳保用品年度采购", "{short}安全防护物资"), (5_000, 60_000)),
]

# (line code, category, sku, name, unit, list price, usual order quantity range)
PRODUCTS = [
    ("monitor", "多参数监护仪", "MON-M8000", "多参数监护仪 M8000", "台", 28_800, (1, 6)),
    ("monitor", "多参数监护仪", "MON-M5", "便携式监护仪 M5", "台", 12_800, (1, 4)),
    ("monitor", "心电图机", "ECG-1200", "十二导心电图机 ECG-1200", "台", 36_500, (1, 2)),
    ("monitor", "除颤仪", "AED-P1", "自动体外除颤仪 AED-P1", "台", 19_800, (1, 3)),
    ("monitor", "监护附件", "MON-SPO2", "成人血氧探头", "个", 380, (5, 40)),
    ("ultrasound", "彩色多普勒超声", "US-C60", "彩色多普勒超声诊断系统 C60", "台", 680_000, (1, 1)),
    ("ultrasound", "便携超声", "US-P10", "便携式彩超 P10", "台", 168_000, (1, 2)),
    ("ultrasound", "超声探头", "US-L12", "线阵探头 L12-4", "个", 26_000, (1, 2)),
    ("ultrasound", "超声探头", "US-C5", "凸阵探头 C5-2", "个", 24_000, (1, 2)),
    ("consumables", "注射穿刺", "CON-SY5", "一次性使用无菌注射器 5ml（1000支/箱）", "箱", 420, (2, 30)),
    ("consumables", "注射穿刺", "CON-IV", "一次性使用输液器（500套/箱）", "箱", 560, (2, 20)),
    ("consumables", "敷料", "CON-GZ", "医用纱布块 7.5cm×7.5cm", "包", 35, (20, 200)),
    ("consumables", "检验耗材", "CON-ECG", "心电电极片（50片/包）", "包", 45, (10, 100)),
    ("consumables", "检验耗材", "CON-TB", "真空采血管（100支/盒）", "盒", 65, (10, 120)),
    ("consumables", "防护", "CON-GL", "一次性医用检查手套（100只/盒）", "盒", 28, (20, 300)),
    ("software", "云平台", "SW-AM", "医疗设备管理云平台（年费）", "套", 48_000, (1, 1)),
    ("software", "物联网", "SW-IOT", "设备物联网采集网关", "台", 3_600, (2, 20)),
    ("fasteners", "螺栓", "FAS-M8X30", "外六角螺栓 M8×30 8.8级 镀锌", "千件", 320, (2, 50)),
    ("fasteners", "螺栓", "FAS-M10X40", "外六角螺栓 M10×40 8.8级 镀锌", "千件", 560, (2, 40)),
    ("fasteners", "螺栓", "FAS-M12X50", "外六角螺栓 M12×50 10.9级 发黑", "千件", 980, (1, 20)),
    ("fasteners", "螺母", "FAS-NUT-M8", "六角螺母 M8 8级 镀锌", "千件", 85, (5, 80)),
    ("fasteners", "垫圈", "FAS-W8", "平垫圈 M8 镀锌", "千件", 40, (5, 80)),
    ("fasteners", "螺钉", "FAS-ST4", "十字盘头自攻螺钉 ST4.2×16", "千件", 60, (5, 100)),
    ("fasteners", "锚栓", "FAS-EXP10", "膨胀螺栓 M10×100", "千件", 1_200, (1, 10)),
    ("tools", "电钻", "TL-DR18", "锂电冲击钻 18V 双电", "台", 699, (2, 20)),
    ("tools", "角磨机", "TL-AG100", "角磨机 100mm 850W", "台", 269, (3, 30)),
    ("tools", "电锤", "TL-RH26", "电锤 26mm 三功能", "台", 459, (2, 15)),
    ("tools", "电锯", "TL-CS185", "电圆锯 185mm", "台", 529, (1, 10)),
    ("tools", "配件", "TL-BIT19", "高速钢麻花钻头套装 19件", "套", 89, (5, 60)),
    ("tools", "配件", "TL-DISC105", "树脂切割片 105mm（50片/盒）", "盒", 75, (5, 80)),
    ("safety", "防护手套", "PPE-GL", "丁腈涂层防护手套（12双/打）", "打", 48, (10, 200)),
    ("safety", "安全帽", "PPE-HT", "ABS 安全帽", "顶", 35, (20, 200)),
    ("safety", "劳保鞋", "PPE-SH", "防砸防刺穿劳保鞋", "双", 158, (10, 100)),
    ("safety", "呼吸防护", "PPE-KN95", "KN95 防护口罩（50只/盒）", "盒", 45, (10, 150)),
]

# --- Words on the timeline ------------------------------------------------------------------
# {c}: how the rep addresses the contact (陈科长, 王老板); {p}: a product; {line}: a product line.

FIRST_CONTACT = {
    "call": (
        "陌生拜访电话：介绍公司和{line}产品线，{c}同意加微信",
        "电话联系{c}，了解到近期有{line}采购计划",
        "展会名单回访，{c}对{p}感兴趣",
    ),
    "chat": ("添加{c}为好友，发送公司介绍和{line}产品目录", "{c}通过朋友推荐加好友，询问{p}价格"),
}
# Tables keyed by industry hold what only a hospital or only a hardware shop would say.
FIRST_VISIT = {
    "medical": (
        "首次拜访{c}，介绍{line}产品，留下样本和报价单",
        "上门拜访{c}，了解科室现有设备和采购流程",
        "首次到院拜访{c}，参观了病区，约定下周报价",
    ),
    "hardware": (
        "首次拜访{c}，介绍{line}产品，留下样本和价目表",
        "首次到访，{c}带看了仓库和门店，约定下周报价",
        "上门拜访{c}，了解现有供应商和拿货量",
    ),
}
VISITS = {
    "medical": (
        "拜访{c}，跟进{p}需求",
        "到访{c}，演示{p}",
        "例行拜访，{c}反馈使用情况良好",
        "陪同技术支持到科室培训{p}使用",
        "到设备科与{c}沟通年度预算",
        "送样到{c}处，讲解{p}参数",
    ),
    "hardware": (
        "拜访{c}，跟进{p}需求",
        "到店巡访，盘点库存并建议补货",
        "到仓库与{c}核对{p}库存",
        "送样到{c}处，讲解{p}参数",
        "拜访{c}，沟通下季度拿货计划",
        "例行拜访，{c}反馈{p}走货不错",
    ),
}
CALLS = (
    "电话跟进{c}，确认{p}的到货时间",
    "电话回访：{c}反馈{p}使用正常",
    "与{c}电话沟通报价细节",
    "电话确认{c}下周拜访时间",
    "{c}来电咨询{p}的售后保修",
    "电话催款：{c}说月底前安排付款",
    "电话沟通：{c}询问能否加急发货",
)
CHATS_OUT = (
    "{c}您好，{p}的参数表已发您，请查收",
    "收到，明天上午安排发货",
    "{c}，发票已寄出，顺丰单号 SF{n}",
    "报价单已更新，请您再看下",
    "下周二上午方便过来拜访吗？",
    "好的，我跟公司申请一下价格",
)
CHATS_IN = {
    "medical": (
        "{p}还有现货吗？",
        "价格能不能再优惠一点",
        "上次的货收到了，谢谢",
        "下周科室开会讨论，有结果告诉你",
        "麻烦再发一下报价",
        "发票抬头改一下，我发你",
        "这批{p}科室要得比较急，能加急吗",
    ),
    "hardware": (
        "{p}还有现货吗？",
        "价格能不能再优惠一点",
        "上次的货收到了，谢谢",
        "老板说这周先拿一半货",
        "麻烦再发一下报价",
        "发票抬头改一下，我发你",
        "这批{p}要得比较急，能加急吗",
    ),
}
NOTES = {
    "medical": (
        "{c}透露预算下月批复，预计招标在季度末",
        "竞品报价比我们低约 8%，需要申请特价",
        "{c}对售后响应速度很看重",
        "客户采购流程：科室申请 → 设备科论证 → 院办审批",
        "已加入客户企业微信群，后续在群内跟进",
    ),
    "hardware": (
        "竞品报价比我们低约 8%，需要申请特价",
        "{c}决策链：老板拍板，采购执行",
        "客户近期资金紧张，回款需关注",
        "{c}希望我们能备一部分库存在当地仓",
        "已加入客户钉钉群，后续在群内跟进",
    ),
}
EMAILS = ("发送{p}产品彩页和注册证", "邮件发送年度供货框架协议草稿", "发送{line}培训资料", "邮件确认对账单")
PROPOSALS = ("发送报价单：{p}，合计 ¥{amount}", "提交方案及报价：{deal}，¥{amount}")
APPROVALS = (
    ("特价审批", "{deal} 按 {d} 折报价"),
    ("账期审批", "{deal} 申请月结 {days} 天"),
    ("样机借用审批", "{p} 借用 2 周"),
)

# --- Commitments (承诺事项) -------------------------------------------------------------------

# (deliverable type code, weight): what reps promise, and how often.
COMMITMENT_TYPES = (("quote", 5), ("poc_report", 3), ("contract_draft", 2))
COMMITMENT_TITLES = {
    "quote": ("发送{p}正式报价单", "{deal}报价及配置清单", "更新{p}报价（含三年维保）", "提供{p}阶梯价报价"),
    "poc_report": (
        "提交{p}试用评估报告",
        "{deal} POC 测试报告",
        "提供{p}样机试用总结",
        "{p}现场测试数据报告",
    ),
    "contract_draft": (
        "发送{deal}合同草案",
        "提供年度供货框架协议草案",
        "{deal}合同条款修订稿",
        "发送{p}采购合同草案",
    ),
}
CANCEL_REASONS = (
    "客户项目暂停，预算冻结到明年",
    "客户改走公开招标，报价按招标文件另行提交",
    "客户要求合并到整体方案中一起提交",
    "客户已选定其他供应商",
    "与客户确认改为现场演示，不再单独出报告",
)
# A collaboration ticket's comments: the engineer takes it, the rep chases, the engineer delivers.
TICKET_TAKEN = (
    "收到，已安排{engineer}跟进，预计两个工作日内出报告初稿。",
    "已联系{customer}，明天上午到现场补测数据。",
    "测试数据已拿到，正在整理报告，今天下班前给初稿。",
)
TICKET_CHASED = (
    "客户催得比较急，麻烦优先处理，谢谢！",
    "客户希望报告里加上与竞品的对比数据。",
    "客户下周一开论证会，报告需要在那之前提交。",
)
TICKET_DONE = "报告已完成，已发给{rep}，请核对后提交客户。"
TICKET_CLOSED = "已提交客户，工单可以关闭了，谢谢支持。"

# --- Finance review of held payments ----------------------------------------------------------

REVIEW_APPROVED = (
    "已核对银行回单，为年度框架协议预付款",
    "客户一次性结清上季度欠款，已与银行流水核对",
    "集采项目首付款，金额与合同一致",
)
REVIEW_REJECTED = (
    "金额与银行流水不符，疑似多录一位",
    "重复录入：该笔回款已由 ERP 同步",
    "付款方非本客户，已退回业务核实",
)
