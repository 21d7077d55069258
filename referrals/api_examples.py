"""Example bodies for the API documentation (drf-spectacular): hotlines."""

HOTLINE_12356 = {
    "name": "全国统一心理援助热线",
    "number": "12356",
    "tel": "tel:12356",
    "operator": "国家卫生健康委员会",
    "kind": "crisis",
    "hours": "每天至少18小时，不少地区24小时；各地时间不同；可匿名",
    "open_24h": False,
    "region": "",
    "national": True,
    "for_minors": False,
    "last_verified": "2026-11-24",
}
HOTLINE_HOPE24 = {
    "name": "希望24热线",
    "number": "400-161-9995",
    "tel": "tel:4001619995",
    "operator": "希望24热线（公益）",
    "kind": "crisis",
    "hours": "24 hours",
    "open_24h": True,
    "region": "",
    "national": True,
    "for_minors": False,
    "last_verified": "2026-11-24",
}
HOTLINE_12355 = {
    "name": "12355青少年服务台",
    "number": "12355",
    "tel": "tel:12355",
    "operator": "共青团",
    "kind": "crisis",
    "hours": "心理咨询；各省时间不同",
    "open_24h": False,
    "region": "",
    "national": True,
    "for_minors": True,
    "last_verified": "2026-11-24",
}
LOCAL_SERVICE_ANDING = {
    "name": "示例：安定区精神卫生中心",
    "kind": "mental_health_centre",
    "address": "示例地址：定西市安定区某路1号",
    "phone": "0932-8123400",
    "tel": "tel:09328123400",
    "hours": "周一至周五 8:00–17:30",
    "region": "621102",
    "last_verified": "2026-12-07",
}
