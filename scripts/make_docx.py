#!/usr/bin/env python3
"""Word documents for `gongshi new policy`, made with python-docx
(`pip install python-docx`, 1.2.0), as a county office's Word would save
them: headings in Word's heading styles, 第X条 in bold runs, tables as
Word tables, one paragraph per paragraph.

  python3 scripts/make_docx.py

writes
  tests/fixtures/docx/xiangyin-duiwu.docx   from shared/reference/000 (湘阴教发〔2023〕31号)
  tests/fixtures/docx/yueyang-jihua.docx    from shared/reference/002 (岳阳, a schedule table)
  examples/documents/示例县资助告知和公示通知.docx      the demo site's imported policy (fictional)

The reference texts are read from ../shared/reference beside the
repository. Each line of text becomes one paragraph: `#`, `##`, `###` lines
become Heading 1–3 (the first one centred, as a document's title is),
`**…**` becomes a bold run, `- ` list marks are dropped, and a block of
tab-separated lines becomes a table (a header repeated after a page
break is left out, as Word repeats it by itself).
"""
import pathlib
import re
import sys

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

ROOT = pathlib.Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference"

DEMO = """示例县教育局文件
示教发〔2025〕9号
示例县教育局关于做好学生资助政策书面告知和名单公示工作的通知
各中小学校、幼儿园：
为让每一个家庭经济困难学生及其家长知晓资助政策，规范资助名单公示，现就有关事项通知如下。
## 一、书面告知
（一）**告知对象：**每学期向每位受助学生的家长发放一份告知书，写明资助项目、金额、发放方式和咨询电话。
（二）**回执存档：**告知书回执由班主任收回，学校按班级登记存档，保存至学生毕业后三年。
（三）**放弃资助：**家长自愿放弃资助的，在回执上写明，学校另行登记。
## 二、名单公示
（一）**公示时间：**资助名单在学校公示不少于5个工作日，公示期满后及时撤下。
（二）**公示内容：**只公示姓名（可部分隐去）、学校、年级、班级和资助项目，**不得公示**身份证号、家庭住址、联系电话、银行卡号和家庭困难情况。
（三）**异议处理：**公示期间收到异议的，学校在3个工作日内核实并答复。
## 三、时间安排
时间\t工作内容\t责任单位
3月\t春季学期名单公示，发放告知书\t各学校
4月\t收回告知书回执并登记\t各学校
9月至10月\t秋季学期名单公示，发放告知书\t各学校
11月\t检查告知书回执存档情况\t县学生资助管理中心
示例县教育局
2025年2月28日
"""


def add_runs(paragraph, text):
    """`**…**` as bold runs."""
    for k, part in enumerate(re.split(r"\*\*", text)):
        if part:
            paragraph.add_run(part).bold = k % 2 == 1


def add_table(document, rows):
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        for j in range(width):
            table.cell(i, j).text = row[j].strip() if j < len(row) else ""


def build(text, out):
    document = docx.Document()
    lines = text.splitlines()
    i = 0
    first_heading = True
    header = None
    while i < len(lines):
        line = lines[i].rstrip()
        if "\t" in line and i + 1 < len(lines) and "\t" in lines[i + 1]:
            rows = []
            while i < len(lines) and ("\t" in lines[i] or (not lines[i].strip() and i + 1 < len(lines) and "\t" in lines[i + 1])):
                cells = lines[i].split("\t")
                key = "".join(c.replace(" ", "") for c in cells)
                if lines[i].strip() and key != header:
                    rows.append(cells)
                    header = header or key
                i += 1
            add_table(document, rows)
            continue
        i += 1
        stripped = line.strip()
        if not stripped:
            continue
        m = re.match(r"^(#{1,3})\s+(.*)$", stripped)
        if m:
            p = document.add_heading(level=len(m.group(1)))
            add_runs(p, m.group(2).replace("**", ""))
            if first_heading:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                first_heading = False
            continue
        stripped = re.sub(r"^-\s+", "", stripped)
        add_runs(document.add_paragraph(), stripped)
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(out)
    print(f"wrote {out.relative_to(ROOT)}")


def main():
    if not REFERENCE.is_dir():
        sys.exit(f"missing {REFERENCE}")
    xiangyin = (REFERENCE / "000_bc787f2dfe8ebb13.txt").read_text(encoding="utf-8")
    build(xiangyin, ROOT / "tests/fixtures/docx/xiangyin-duiwu.docx")
    yueyang = (REFERENCE / "002_4589f26c365325ae.txt").read_text(encoding="utf-8")
    build(yueyang, ROOT / "tests/fixtures/docx/yueyang-jihua.docx")
    build(DEMO, ROOT / "examples/documents/示例县资助告知和公示通知.docx")


if __name__ == "__main__":
    main()
