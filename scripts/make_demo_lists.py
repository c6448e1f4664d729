#!/usr/bin/env python3
"""Writes the demo site's recipient files (fictional people, valid-looking
but invented ID numbers) in the encodings and formats staff really send:
GBK with title rows, UTF-8 with BOM, plain UTF-8, and .xlsx.
Run once; the files are committed. Needs openpyxl for the .xlsx file."""
import random, os

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔"
GIVEN = "子涵梓轩浩宇欣怡雨桐思远佳琪俊杰诗涵一诺博文晨曦若曦宇航嘉怡明轩梦瑶志强海燕建华丽娟文静天佑语嫣泽宇可馨"
COMPOUND = ["欧阳", "司马", "诸葛", "上官"]
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

def id_number(rng, year):
    body = "430621" + f"{year}{rng.randint(1,12):02d}{rng.randint(1,28):02d}" + f"{rng.randint(0,999):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, W)) % 11]

def name(rng):
    if rng.random() < 0.05:
        return rng.choice(COMPOUND) + rng.choice(GIVEN) + rng.choice(GIVEN)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.8 else "")
    return rng.choice(SURNAMES) + given

def phone(rng):
    return "1" + rng.choice("3589") + "".join(str(rng.randint(0, 9)) for _ in range(9))

def rows(seed, n, year, classes, tiers=None):
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < n:
        nm = name(rng)
        if nm in seen:
            continue
        seen.add(nm)
        tier = rng.choice(tiers) if tiers else None
        out.append((nm, rng.choice(classes), id_number(rng, year), phone(rng), rng.choice(["脱贫家庭", "低保家庭", "其他困难"]), tier))
    return out

def write(path, text, encoding):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(text)

base = "content/lists"
# GBK, with a title row and a note row above the header, as Excel on Chinese Windows saves it.
tiers = {"一档": 1500, "二档": 800}
for term, seed, year in (("2025-chun", 1, 2009), ("2025-qiu", 2, 2009)):
    lines = ["示例县第一中学普通高中国家助学金拟资助学生名单,,,,,,", "填报单位：示例县第一中学（盖章）,,,,,,",
             "姓名,年级,班级,身份证号,联系电话,困难类型,资助档次,资助金额"]
    for nm, cls, idn, ph, hard, tier in rows(seed, 24, year, ["高一（1）班", "高一（3）班", "高二（2）班", "高三（5）班"], list(tiers)):
        lines.append(f"{nm},{cls[:2]},{cls},{idn},{ph},{hard},{tier},{tiers[tier]}")
    write(f"{base}/{term}/yizhong-zhuxuejin/名单.csv", "\r\n".join(lines) + "\r\n", "gbk")
# UTF-8 with BOM, full-width digits in class names, as newer Excel saves "CSV UTF-8".
for term, seed in (("2025-chun", 3), ("2025-qiu", 4)):
    lines = ["学生姓名,学校,年级,班级,身份证件号码,家庭住址,补助金额"]
    for nm, cls, idn, ph, hard, _ in rows(seed, 30, 2014, ["三年级１班", "四年级２班", "五年级１班", "六年级３班"]):
        lines.append(f"{nm},示例县城关镇中心小学,{cls[:3]},{cls},{idn},示例县城关镇某村,625元")
    write(f"{base}/{term}/chengguan-xiaoxue-buzhu/recipients.csv", "\n".join(lines) + "\n", "utf-8-sig")
# Plain UTF-8: a kindergarten list that has already ended.
lines = ["幼儿姓名,班级,身份证号,监护人电话"]
for nm, cls, idn, ph, _, _ in rows(5, 12, 2020, ["大一班", "大二班", "中一班"]):
    lines.append(f"{nm},{cls},{idn},{ph}")
write(f"{base}/2025-qiu/xueqian-youeryuan/recipients.csv", "\n".join(lines) + "\n", "utf-8")
# An upcoming spring list kept as a draft while the school fixes it.
lines = ["姓名,班级,身份证号", "测试甲,高一（1）班,4.30621E+17"]
write(f"{base}/2026-chun/yizhong-zhuxuejin/名单.csv", "\n".join(lines) + "\n", "utf-8")
# Excel workbook: a vocational school.
try:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "拟资助名单"
    ws.append(["示例县职业中专2025年秋季学期中职国家助学金拟资助名单"])
    ws.append(["姓名", "专业", "年级", "班级", "身份证号", "银行卡号"])
    for nm, cls, idn, ph, _, _ in rows(6, 18, 2008, ["机电1班", "电商2班", "护理1班"]):
        ws.append([nm, cls[:2], "2025级", cls, idn, "6222" + "".join(str(random.Random(nm).randint(0, 9)) for _ in range(15))])
    path = f"{base}/2025-qiu/zhizhuan-zhuxuejin/名单.xlsx"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    wb.save(path)
except ImportError:
    print("openpyxl missing: .xlsx not written")
