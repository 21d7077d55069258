"""The shipped crisis-language lexicon, and who may edit it (clinicians and the crisis team).

Chinese crisis language as people in rural China write it on a phone: wishes to die, plans,
means (pesticide first: the most common in rural China), self-harm and farewells, with the
everyday phrases that look like them (笑死, 打农药, 紫砂壶). Each with examples that must and
must not match; referrals/crisis_language_eval.tsv measures the whole (evaluate_crisis_language).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# (category, phrase, examples that must match, examples that must not)
SHIPPED_LEXICON = [
    # Ideation: wishing to be dead, life not worth living.
    ("ideation", "不想活", ["我真的不想活了"], ["我不是不想活，就是累", "她说她不想活了"]),
    ("ideation", "不想再活", ["不想再活下去了"], ["不想再干活了"]),
    ("ideation", "不活了", ["这日子我不活了"], ["我不会不活了的"]),
    ("ideation", "活不下去", ["实在活不下去了"], ["他说他活不下去了"]),
    ("ideation", "没法活", ["这样下去我没法活了"], ["他说他没法活了"]),
    ("ideation", "活着…没…意思", ["活着真没意思", "感觉活着没有什么意思"], ["这个电视剧没意思"]),
    ("ideation", "活着…没…意义", ["活着没有意义"], ["这样做没意义"]),
    ("ideation", "活着…什么意思", ["活着还有什么意思"], ["这句话什么意思"]),
    ("ideation", "活着…啥意思", ["活着有啥意思啊"], ["你说的啥意思"]),
    ("ideation", "活着干嘛", ["天天这样活着干嘛"], ["活着就好好干"]),
    ("ideation", "活着…累", ["活着好累", "活着真的太累了"], ["干活累了歇一会"]),
    ("ideation", "活着…痛苦", ["活着太痛苦了"], ["腰疼得痛苦"]),
    ("ideation", "活够了", ["我活够了"], ["这辈子还没活够"]),
    ("ideation", "生无可恋", ["真的生无可恋"], ["生活可爱"]),
    ("ideation", "想死", ["我好想死", "有时候真想死"], ["我不想死", "想死你了", "他想死"]),
    ("ideation", "去死", ["我想去死", "不如去死"], ["我从没想过去死"]),
    ("ideation", "死了算了", ["活着没劲，死了算了"], ["鸡死了，算了不养了"]),
    ("ideation", "不如死", ["还不如死了好"], ["她说不如死了"]),
    ("ideation", "死了就好", ["要是死了就好了"], ["她说死了就好了"]),
    ("ideation", "我死了…好", ["我死了就好了", "我死了大家都好"], ["鸡死了不好"]),
    ("ideation", "寻死", ["我想寻死"], ["我从来没想过寻死"]),
    ("ideation", "求死", ["一心求死"], ["求求你了"]),
    ("ideation", "轻生", ["我有了轻生的念头"], ["我从未有过轻生的念头"]),
    ("ideation", "想不开", ["我真的想不开了"], ["别想不开", "你可千万不要想不开"]),
    ("ideation", "寻短见", ["我想寻短见"], ["别寻短见"]),
    ("ideation", "一了百了", ["想一了百了", "走了就一了百了"], ["这事一了就好"]),
    ("ideation", "结束…生命", ["我想结束自己的生命"], ["生命很宝贵"]),
    ("ideation", "结束…自己", ["想结束掉自己"], ["自己结束了工作"]),
    ("ideation", "结束这一切", ["我只想结束这一切"], ["这一切都结束了，好开心"]),
    ("ideation", "了结自己", ["想了结自己"], ["自己了结这件事"]),
    ("ideation", "了断", ["想自我了断"], ["了解一下"]),
    ("ideation", "离开这个世界", ["我想离开这个世界"], ["离开这个村子"]),
    ("ideation", "离开人世", ["想早点离开人世"], ["人世间"]),
    ("ideation", "另一个世界", ["我想去另一个世界"], ["我从没想过去另一个世界"]),
    ("ideation", "世界…另一边", ["想去世界另一边", "我要去世界的另一边了"], ["世界很大"]),
    ("ideation", "想解脱", ["我只想解脱"], ["考完试终于解脱了"]),
    ("ideation", "求解脱", ["一心求解脱"], ["考完试终于解脱了"]),
    ("ideation", "死…解脱", ["死了就解脱了"], ["考完试终于解脱了"]),
    ("ideation", "永远解脱", ["想永远解脱"], ["暂时解脱"]),
    ("ideation", "没有我…更好", ["没有我他们会过得更好"], ["有我在更好"]),
    ("ideation", "自杀", ["我想自杀", "我想过自杀"], ["我从来没想过自杀", "我朋友想自杀怎么办"]),
    ("ideation", "自尽", ["想自尽"], ["尽力了"]),
    ("ideation", "紫砂", ["我想紫砂", "想紫砂了"], ["买了个紫砂壶"]),
    ("ideation", "zs", ["想zs", "我要 ZS 了"], ["jzs 团队"]),
    ("ideation", "zisha", ["wo xiang zisha"], ["zishan"]),
    ("ideation", "自鲨", ["想自鲨"], ["鲨鱼"]),
    ("ideation", "kill myself", ["I want to kill myself"], ["I would never kill myself"]),
    ("ideation", "killing myself", ["thinking about killing myself"], ["I am not killing myself"]),
    ("ideation", "suicide", ["I keep thinking about suicide"], ["suicide prevention week"]),
    ("ideation", "suicidal", ["I feel suicidal"], ["I am not suicidal"]),
    ("ideation", "want to die", ["I just want to die"], ["I don't want to die"]),
    ("ideation", "wanna die", ["i wanna die"], ["i dont wanna die"]),
    ("ideation", "end my life", ["I want to end my life"], ["this is my life"]),
    ("ideation", "end it all", ["I want to end it all"], ["at the end of it all"]),
    ("ideation", "better off dead", ["I'd be better off dead"], ["better off now"]),
    ("ideation", "no reason to live", ["there is no reason to live"], ["no reason to leave"]),
    ("ideation", "unalive", ["want to unalive myself"], ["alive and well"]),
    # Plan and preparation.
    ("plan", "遗书", ["遗书已经写好了", "我给孩子写了遗书"], ["爷爷的遗嘱"]),
    ("plan", "遗言", ["这是我的遗言"], ["语言"]),
    ("plan", "后事", ["后事都交代好了"], ["以后的事以后再说"]),
    ("plan", "死法", ["哪种死法不痛苦"], ["方法"]),
    ("plan", "怎么死最", ["怎么死最快"], ["鸡不知道怎么死的"]),
    ("plan", "怎么死才", ["怎么死才不痛"], ["鸡不知道怎么死的"]),
    ("plan", "想…怎么死", ["我在想怎么死", "我已经想好了怎么死"], ["鸡不知道怎么死的"]),
    ("plan", "怎样死", ["怎样死最快"], ["怎样才能睡着"]),
    ("plan", "死…不痛", ["怎样死才不痛苦"], ["不痛了"]),
    ("plan", "准备好…死", ["我已经准备好去死了"], ["准备好了吃饭"]),
    # Means: pesticide first, then the others.
    ("means", "喝…农药", ["我想喝农药", "喝了一瓶农药"], ["明天去镇上买农药打虫", "喷农药要戴口罩"]),
    ("means", "农药…喝", ["农药买回来我就喝"], ["农药打完了"]),
    ("means", "农药…准备好", ["我已经把农药准备好了"], ["农药打好了"]),
    ("means", "准备…农药", ["偷偷准备了农药"], ["农药钱准备好"]),
    ("means", "藏…农药", ["我藏了一瓶农药"], ["农药放仓库"]),
    ("means", "农药…藏", ["农药藏在床底下"], ["农药放仓库"]),
    ("means", "喝药死", ["想喝药死了算了"], ["喝药治病"]),
    ("means", "想喝药", ["我想喝药"], ["我不想喝药"]),
    ("means", "喝…敌敌畏", ["想喝敌敌畏"], ["打敌敌畏杀虫"]),
    ("means", "喝…百草枯", ["想喝百草枯"], ["百草枯除草"]),
    ("means", "喝…草甘膦", ["喝草甘膦"], ["打草甘膦"]),
    ("means", "吃…老鼠药", ["吃老鼠药死了算了"], ["放老鼠药毒老鼠"]),
    ("means", "喝…老鼠药", ["想喝老鼠药"], ["买老鼠药"]),
    ("means", "吃…毒鼠强", ["吃毒鼠强"], ["毒鼠强禁用了"]),
    ("means", "安眠药…攒", ["安眠药攒了很多"], ["安眠药吃了睡得好"]),
    ("means", "攒…安眠药", ["我攒了很多安眠药"], ["医生开了安眠药"]),
    ("means", "攒…药", ["攒了一抽屉药"], ["药吃完了"]),
    ("means", "一瓶…安眠药", ["吃了一瓶安眠药"], ["一片安眠药"]),
    ("means", "整瓶…药", ["把整瓶药都吃了"], ["药瓶"]),
    ("means", "割腕", ["我想割腕"], ["手腕疼"]),
    ("means", "割脉", ["割脉了"], ["把脉"]),
    ("means", "跳楼", ["想跳楼", "真想从楼上跳楼"], ["跳楼价大甩卖"]),
    ("means", "从楼上跳", ["想从楼上跳下去"], ["从楼上跑下来"]),
    ("means", "跳河", ["想跳河"], ["河边散步"]),
    ("means", "跳江", ["想去跳江"], ["江边"]),
    ("means", "跳湖", ["跳湖死了算了"], ["湖边"]),
    ("means", "跳井", ["想跳井"], ["打井"]),
    ("means", "跳水库", ["想去跳水库"], ["水库钓鱼"]),
    ("means", "跳崖", ["想跳崖"], ["悬崖"]),
    ("means", "跳桥", ["想跳桥"], ["过桥"]),
    ("means", "上吊", ["想上吊"], ["吊瓶"]),
    ("means", "吊死", ["绳子都买好了想吊死"], ["别在一棵树上吊死"]),
    ("means", "绳子…准备好", ["绳子已经准备好了"], ["绳子晒衣服"]),
    ("means", "烧炭", ["想烧炭"], ["烧柴"]),
    ("means", "卧轨", ["想去卧轨"], ["铁轨"]),
    ("means", "开煤气", ["想开煤气"], ["关煤气"]),
    ("means", "overdose", ["I want to overdose"], ["over the road"]),
    ("means", "hang myself", ["I want to hang myself"], ["hang out"]),
    ("means", "jump off", ["I want to jump off the bridge"], ["jump in"]),
    # Self-harm.
    ("self_harm", "自残", ["我又自残了"], ["残疾"]),
    ("self_harm", "自伤", ["有自伤的想法"], ["受伤"]),
    ("self_harm", "伤害自己", ["我想伤害自己"], ["我不会伤害自己"]),
    ("self_harm", "划…手", ["拿刀划自己的手", "又划手了"], ["划船"]),
    ("self_harm", "刀…划自己", ["用刀划自己"], ["刀切菜"]),
    ("self_harm", "cut myself", ["I cut myself again"], ["I never cut myself"]),
    ("self_harm", "self harm", ["self harm again"], ["self help"]),
    ("self_harm", "hurt myself", ["I want to hurt myself"], ["I don't want to hurt myself"]),
    # Farewells.
    ("farewell", "永别", ["永别了", "大家永别了"], ["告别了"]),
    ("farewell", "下辈子见", ["妈，下辈子见"], ["下次见"]),
    ("farewell", "下辈子再", ["下辈子再做你女儿"], ["下次再来"]),
    ("farewell", "来世再见", ["来世再见吧"], ["明天再见"]),
    ("farewell", "再见了…世界", ["再见了这个世界"], ["世界你好"]),
    ("farewell", "替我照顾", ["你们替我照顾好孩子"], ["我会照顾孩子"]),
    ("farewell", "别找我了", ["你们别找我了"], ["你们找我吧"]),
    ("farewell", "我死后", ["我死后把钱给孩子"], ["我走后门"]),
    ("farewell", "我死了以后", ["我死了以后你们好好过"], ["死了的鸡"]),
    ("farewell", "最后一次…说", ["这是最后一次跟你们说话了"], ["最后一个"]),
    ("farewell", "goodbye forever", ["goodbye forever everyone"], ["goodbye for now"]),
    # Everyday phrases that look like risk: they cover what they match.
    ("not_risk", "想死你", ["想死你了"], ["我想死"]),
    ("not_risk", "想死我了", ["饺子想死我了"], ["我想死"]),
    ("not_risk", "死磕", ["不如死磕到底"], ["我想死"]),
    ("not_risk", "笑死", ["笑死我了"], ["我想死"]),
    ("not_risk", "累死", ["累死了算了不干了"], ["我想死"]),
    ("not_risk", "热死", ["热死了"], ["我想死"]),
    ("not_risk", "冷死", ["冷死了"], ["我想死"]),
    ("not_risk", "气死", ["气死我了"], ["我想死"]),
    ("not_risk", "吓死", ["吓死人了"], ["我想死"]),
    ("not_risk", "饿死", ["饿死了，想死你做的饭"], ["我想死"]),
    ("not_risk", "烦死", ["烦死了"], ["我想死"]),
    ("not_risk", "困死", ["困死了"], ["我想死"]),
    ("not_risk", "忙死", ["忙死了"], ["我想死"]),
    ("not_risk", "跳楼价", ["跳楼价大甩卖"], ["想跳楼"]),
    ("not_risk", "跳楼甩卖", ["跳楼甩卖"], ["想跳楼"]),
    ("not_risk", "一棵树上吊死", ["不要在一棵树上吊死"], ["想上吊"]),
    ("not_risk", "紫砂壶", ["买了个紫砂壶"], ["想紫砂"]),
    ("not_risk", "紫砂锅", ["紫砂锅炖汤"], ["想紫砂"]),
    ("not_risk", "紫砂杯", ["紫砂杯泡茶"], ["想紫砂"]),
    ("not_risk", "预防自杀", ["预防自杀宣传"], ["想自杀"]),
    ("not_risk", "自杀式", ["自杀式袭击"], ["想自杀"]),
    ("not_risk", "suicide prevention", ["suicide prevention day"], ["suicide"]),
    ("not_risk", "suicide squad", ["watched suicide squad"], ["suicide"]),
    ("not_risk", "打农药", ["今天去地里打农药"], ["喝农药"]),
    ("not_risk", "喷农药", ["喷农药要戴口罩"], ["喝农药"]),
    ("not_risk", "农药…打虫", ["农药准备好了明天打虫"], ["喝农药"]),
    ("not_risk", "农药…打药", ["农药准备好了明天打药"], ["喝农药"]),
    ("not_risk", "农药…庄稼", ["农药准备好了给庄稼用"], ["喝农药"]),
    ("not_risk", "农药…地里", ["农药藏在地里棚子"], ["喝农药"]),
    ("not_risk", "误喝", ["孩子误喝了农药"], ["喝农药"]),
]

EDITORS = {
    "Clinician": ["view", "add", "change"],
    "Crisis team": ["view", "add", "change"],
}


def load_lexicon(CrisisPhrase, lexicon=SHIPPED_LEXICON):
    """Add the shipped phrases that are missing (idempotent; tests call it after a flush)."""
    for category, phrase, must_match, must_not_match in lexicon:
        CrisisPhrase.objects.get_or_create(
            phrase=phrase,
            defaults={
                "category": category,
                "must_match": "\n".join(must_match),
                "must_not_match": "\n".join(must_not_match),
            },
        )


def grant(Group, Permission):
    """Idempotent, as 0002_staff_groups's grant_roles."""
    for name, actions in EDITORS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="referrals",
                    codename__in=[f"{action}_crisisphrase" for action in actions],
                )
            )


def forward(apps, schema_editor):
    load_lexicon(apps.get_model("referrals", "CrisisPhrase"))
    # Permissions are normally made after all migrations; the groups need them now.
    config = apps.get_app_config("referrals")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    grant(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0011_crisis_phrases")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
