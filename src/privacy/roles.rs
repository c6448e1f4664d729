//! Column roles in a recipient list, inferred from common headers or set
//! by the bundle's `[columns]`; and the columns that may never be public.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The student's name: public only masked per the list's `name_mask`.
    Name,
    /// Shown as is (school, grade, class, major).
    Public,
    /// Aid tier (一档/二档): public only with `show_amount = true`.
    Tier,
    /// Amount in yuan: validated, summed; public only with `show_amount`.
    Amount,
    /// Validated, never public; masked on letters.
    IdNumber,
    /// A guardian's ID number (监护人身份证号): validated where filled,
    /// never public, never on letters; compared with the 三类人员 list.
    GuardianId,
    /// Kept for letters, never public.
    Private,
}

impl Role {
    /// The role as `[columns]` in `index.md` writes it (serde's name).
    pub fn key(self) -> &'static str {
        match self {
            Role::Name => "name",
            Role::Public => "public",
            Role::Tier => "tier",
            Role::Amount => "amount",
            Role::IdNumber => "id_number",
            Role::GuardianId => "guardian_id",
            Role::Private => "private",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Name => "姓名（按设置打码）",
            Role::Public => "公开",
            Role::Tier => "档次（show_amount 时公开）",
            Role::Amount => "金额（show_amount 时公开）",
            Role::IdNumber => "身份证号（不公开）",
            Role::GuardianId => "监护人身份证号（不公开）",
            Role::Private => "不公开",
        }
    }

    /// Whether a column of this role is shown on a public page: names
    /// (masked) and public columns always, tiers and amounts only with
    /// `show_amount`, ID and private columns never.
    pub fn shown(self, show_amount: bool) -> bool {
        match self {
            Role::Name | Role::Public => true,
            Role::Tier | Role::Amount => show_amount,
            Role::IdNumber | Role::GuardianId | Role::Private => false,
        }
    }

    /// Roles whose values can reach a public page.
    pub fn can_be_public(self) -> bool {
        self.shown(true)
    }
}

/// Headers of the name column when a list has no `[columns]`.
pub const NAME_HEADERS: [&str; 3] = ["姓名", "学生姓名", "幼儿姓名"];

/// The role of a header when the bundle has no `[columns]`.
pub fn infer(header: &str) -> Role {
    let h = header_key(header);
    if let Some(why) = sensitive(&h) {
        // Only a header that plainly names the resident ID is validated as
        // one; 学籍号 (`G` + the ID) and the rest are simply private.
        let id_words = ["身份证", "身分证", "证件号", "身份号", "公民身份"];
        if why != ID || !id_words.iter().any(|w| h.contains(w)) {
            return Role::Private;
        }
        let guardian = ["监护人", "家长", "父亲", "母亲", "父母", "户主"];
        return if guardian.iter().any(|w| h.contains(w)) { Role::GuardianId } else { Role::IdNumber };
    }
    if NAME_HEADERS.contains(&h.as_str()) {
        return Role::Name;
    }
    match h.as_str() {
        "学校" | "学校名称" | "就读学校" | "学段" | "年级" | "班级" | "专业" | "院系" | "系部" | "资助项目" => {
            Role::Public
        }
        "金额" | "资助金额" | "补助金额" | "发放金额" | "资助金额(元)" | "金额(元)" | "补助金额(元)" => {
            Role::Amount
        }
        "档次" | "资助档次" | "资助等次" => Role::Tier,
        _ => Role::Private,
    }
}

/// A header as it is compared: no whitespace, full-width ASCII forms
/// (ＱＱ, （元）) as ASCII, Latin letters in lower case.
pub fn header_key(header: &str) -> String {
    crate::data::normalise::squash(header)
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Letters refuse a column by this reason (`roster::letter_rows`): keep it.
const ID: &str = "身份证号";
const STUDENT_NO: &str = "学籍号或学号（可能含身份证号）";
const CONTACT: &str = "联系方式";
const ADDRESS: &str = "家庭住址";
const BIRTH: &str = "出生日期";
const BANK: &str = "银行账户信息";
const FAMILY: &str = "家庭成员信息";
const HEALTH: &str = "健康状况";
const BELIEF: &str = "宗教信仰或民族";
const HARDSHIP: &str = "家庭经济困难情况";

/// Header classes by meaning: a header containing any of the words is in
/// the class. Order matters only for the reason given (the first class
/// that matches): 监护人电话 is contact, 残疾类型 is health.
const CLASSES: &[(&[&str], &str)] = &[
    // 学籍号 is `G` + the ID number; 学号 often embeds it too.
    (&["身份证", "身分证", "证件", "身份号", "公民身份", "护照"], ID),
    (&["学籍", "学号"], STUDENT_NO),
    (
        &[
            "电话",
            "手机",
            "联系方式",
            "联系号码",
            "联系人",
            "联系",
            "联糸",
            "微信",
            "邮箱",
            "电子邮",
            "邮件",
            "座机",
            "固话",
        ],
        CONTACT,
    ),
    (
        &[
            "住址",
            "地址",
            "住所",
            "居住",
            "户籍",
            "户口",
            "家住",
            "籍贯",
            "所在村",
            "村组",
            "村委",
            "村民",
            "村名",
            "社区",
            "门牌",
            "邮编",
            "邮政编码",
            "生源地",
            "往址",
        ],
        ADDRESS,
    ),
    (&["出生", "生日", "年龄", "生辰"], BIRTH),
    (
        &[
            "银行",
            "开户",
            "卡号",
            "账号",
            "帐号",
            "账户",
            "帐户",
            "一卡通",
            "存折",
            "折号",
            "收款",
            "资助卡",
            "社保卡",
            "户名",
        ],
        BANK,
    ),
    (&["残疾", "残障", "健康", "疾病", "病史", "病种", "大病", "重病", "患病", "身体状况", "体检"], HEALTH),
    (&["宗教", "信仰", "民族"], BELIEF),
    (&["父母", "父亲", "母亲", "家长", "监护人", "户主", "亲属", "家庭成员", "与学生关系", "抚养人", "赡养"], FAMILY),
    (
        &[
            "困难",
            "贫困",
            "困境",
            "低保",
            "低收入",
            "建档立卡",
            "脱贫",
            "扶贫",
            "防返贫",
            "监测户",
            "边缘户",
            "特困",
            "五保",
            "供养",
            "孤儿",
            "孤残",
            "单亲",
            "离异",
            "留守",
            "烈士",
            "优抚",
            "无人抚养",
            "事实无人",
            "认定",
            "经济状况",
            "经济情况",
            "收入",
            "致贫",
            "申请理由",
            "理由",
            "原因",
            "资助对象",
            "学生类别",
            "学生类型",
            "人员类别",
            "身份类别",
            "特殊群体",
            "救助",
        ],
        HARDSHIP,
    ),
];

/// Latin words (whole runs of letters) that name a sensitive column.
const LATIN: &[(&[&str], &str)] = &[
    (&["id", "idcard", "idno", "idnumber", "sfz", "sfzh", "passport"], ID),
    (&["email", "mail", "qq", "wechat", "weixin", "wx", "tel", "telephone", "phone", "mobile", "contact"], CONTACT),
    (&["address", "addr"], ADDRESS),
    (&["birth", "birthday", "birthdate", "dob", "age"], BIRTH),
    (&["bank", "card", "cardno", "account"], BANK),
];

/// Headers staff mistype: a run of the header that differs from one of
/// these in a single character (身分证号, 联糸电话, 家庭往址) is in its class.
/// Only words of three or more characters, so that one changed character
/// still leaves a word no public header contains.
const TYPO_WORDS: &[(&str, &str)] = &[
    ("身份证", ID),
    ("学籍号", STUDENT_NO),
    ("联系电话", CONTACT),
    ("手机号码", CONTACT),
    ("联系方式", CONTACT),
    ("家庭住址", ADDRESS),
    ("家庭地址", ADDRESS),
    ("户口所在地", ADDRESS),
    ("出生日期", BIRTH),
    ("出生年月", BIRTH),
    ("银行卡号", BANK),
    ("开户银行", BANK),
    ("一卡通", BANK),
    ("监护人", FAMILY),
    ("建档立卡", HARDSHIP),
    ("困难类型", HARDSHIP),
];

/// What may stand before 类别/类型/等级 in a public header: the kind of aid
/// or of school, never of the student. 学生类别, 资助对象类别, 困难类型
/// and a bare 类别 or 类型 (what kind? in aid lists usually the family's
/// hardship) are private. 资助类别 names the aid item (国家助学金,
/// 免学费), which the rules allow on a list; hardship words in its values
/// are still refused by `privacy::sniff`.
const KIND_OWNERS: &[&str] =
    &["资助", "资助项目", "项目", "补助", "奖励", "奖项", "奖学金", "助学金", "专业", "学校", "学段", "办学"];

/// Why a header names data that may never be public (ID, contact, address,
/// birth date, bank, family, health, belief, family hardship), if it does.
/// The header is compared as `header_key` makes it.
pub fn sensitive(header: &str) -> Option<&'static str> {
    let h = header_key(header);
    if let Some((_, why)) = CLASSES.iter().find(|(words, _)| words.iter().any(|w| h.contains(w))) {
        return Some(why);
    }
    // Latin words are split where the header has spaces too (Phone No.).
    let latin: String = header.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
    let latin = header_key(&latin.replace(' ', "-"));
    for word in latin.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()) {
        if let Some((_, why)) = LATIN.iter().find(|(words, _)| words.contains(&word)) {
            return Some(why);
        }
    }
    if let Some(kind) = ["类别", "类型", "等级"].iter().find(|k| h.contains(*k)) {
        let owner = h.replacen(kind, "", 1);
        if !KIND_OWNERS.contains(&owner.as_str()) {
            return Some(HARDSHIP);
        }
    }
    let chars: Vec<char> = h.chars().collect();
    if let Some((_, why)) = TYPO_WORDS.iter().find(|(w, _)| one_char_off(&chars, w)) {
        return Some(why);
    }
    // Last, so that a mistyped 家庭往址 is named an address: anything else
    // about the family (家庭情况, 家庭人口, 家庭成员) is about its hardship.
    h.contains("家庭").then_some(HARDSHIP)
}

/// Whether some run of `header` differs from `word` in exactly one character.
fn one_char_off(header: &[char], word: &str) -> bool {
    let word: Vec<char> = word.chars().collect();
    header.windows(word.len()).any(|run| run.iter().zip(&word).filter(|(a, b)| a != b).count() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_what_columns_read() {
        let all = [Role::Name, Role::Public, Role::Tier, Role::Amount, Role::IdNumber, Role::GuardianId, Role::Private];
        for role in all {
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{}\"", role.key()));
        }
    }

    #[test]
    fn infers_common_headers() {
        assert_eq!(infer("姓名"), Role::Name);
        assert_eq!(infer("身份证件号码"), Role::IdNumber);
        assert_eq!(infer("班级"), Role::Public);
        assert_eq!(infer("资助金额"), Role::Amount);
        assert_eq!(infer("资助档次"), Role::Tier);
        assert_eq!(infer("联系电话"), Role::Private);
        assert_eq!(infer("困难类型"), Role::Private);
        assert_eq!(infer("备注"), Role::Private);
    }

    #[test]
    fn sensitive_headers() {
        for h in ["联系电话", "家庭住址", "出生日期", "银行卡号", "困难类型", "认定等级", "建档立卡户", "监护人姓名"]
        {
            assert!(sensitive(h).is_some(), "{h}");
        }
    }

    /// Every header of `headers` is in class `why`.
    fn all_in(why: &str, headers: &[&str]) {
        for h in headers {
            assert_eq!(sensitive(h), Some(why), "{h}");
        }
    }

    #[test]
    fn identifier_headers() {
        all_in(ID, &["身份证号", "身份证件号码", "证件号码", "公民身份号码", "身分证号", "学生身份证号"]);
        all_in(ID, &["ID", "ID号", "学生ID", "id_card", "SFZH", "ＩＤ号"]);
        all_in(STUDENT_NO, &["全国学籍号", "学籍号", "学号", "学生学号", "学藉号"]);
        assert_eq!(infer("身份证号码"), Role::IdNumber);
        assert_eq!(infer("学生身份证号"), Role::IdNumber);
        assert_eq!(infer("身分证号"), Role::IdNumber, "a typo still validates the IDs");
        assert_eq!(infer("全国学籍号"), Role::Private, "G + ID is not an ID number to validate");
        assert_eq!(infer("监护人身份证号"), Role::GuardianId);
        assert_eq!(infer("家长身份证号码"), Role::GuardianId);
        assert!(!Role::GuardianId.can_be_public());
    }

    #[test]
    fn contact_headers() {
        all_in(CONTACT, &["联系电话", "家长电话", "手机", "手机号码", "联系方式", "联系人", "微信号", "微信"]);
        all_in(CONTACT, &["QQ", "qq号", "ＱＱ号码", "Email", "EMAIL", "E-mail", "电子邮箱", "邮箱", "家庭座机"]);
        all_in(CONTACT, &["联糸电话", "Tel", "Phone No.", "监护人电话"]);
    }

    #[test]
    fn address_headers() {
        all_in(ADDRESS, &["家庭住址", "住址", "通讯地址", "户籍所在地", "户口所在地", "家住", "所在村", "村组"]);
        all_in(ADDRESS, &["居住地", "户籍", "家庭往址", "家庭地趾", "籍贯", "生源地", "Address", "所在社区"]);
    }

    #[test]
    fn bank_headers() {
        all_in(BANK, &["开户行", "开户银行", "银行卡号", "一卡通号", "存折号", "收款账户", "卡号", "账号", "帐号"]);
        all_in(BANK, &["社保卡号", "资助卡号", "户名", "Bank", "银行帐户", "一卡同号"]);
    }

    #[test]
    fn family_headers() {
        all_in(FAMILY, &["父母姓名", "父亲姓名", "母亲", "家长姓名", "户主", "户主姓名", "监护人", "监护人姓名"]);
        all_in(FAMILY, &["亲属关系", "与学生关系", "监户人"]);
    }

    #[test]
    fn health_and_belief_headers() {
        all_in(HEALTH, &["健康状况", "疾病", "残疾", "残疾类型", "残疾等级", "重大疾病", "身体状况"]);
        all_in(BELIEF, &["宗教信仰", "信仰", "民族"]);
    }

    #[test]
    fn birth_headers() {
        all_in(BIRTH, &["出生日期", "出生年月", "生日", "年龄", "出身日期", "Birthday", "DOB"]);
    }

    #[test]
    fn hardship_headers() {
        all_in(
            HARDSHIP,
            &["贫困类型", "学生类别", "资助对象类别", "经济状况", "单亲", "留守儿童", "孤儿", "申请理由", "低保户"],
        );
        all_in(HARDSHIP, &["特困供养", "建档立卡", "建档立卡户", "脱贫户", "五保户", "困难程度", "认定等级"]);
        all_in(HARDSHIP, &["家庭经济困难类型", "困难类别", "类别", "类型", "等级", "人员类别", "认定结果"]);
        all_in(HARDSHIP, &["家庭情况", "家庭人口", "家庭年收入", "致贫原因", "事实无人抚养", "建挡立卡"]);
    }

    #[test]
    fn public_headers_stay_public() {
        for h in [
            "姓名",
            "学生姓名",
            "幼儿姓名",
            "性别",
            "学校",
            "学校名称",
            "就读学校",
            "学段",
            "年级",
            "班级",
            "专业",
            "院系",
            "系部",
            "资助项目",
            "项目名称",
            "资助类别",
            "资助类型",
            "资助等级",
            "专业类别",
            "学校类型",
            "档次",
            "资助档次",
            "资助等次",
            "金额",
            "资助金额",
            "资助金额（元）",
            "补助金额",
            "发放金额",
            "资助标准",
            "序号",
            "备注",
            "入学年份",
            "学制",
            "学期",
            "所在乡镇",
            "班主任",
            "发放日期",
            "发放方式",
            "公示日期",
            "年级班级",
            "入学年月",
            "学校所在地区",
        ] {
            assert_eq!(sensitive(h), None, "{h}");
        }
    }

    #[test]
    fn headers_compare_without_spaces_width_or_case() {
        assert_eq!(header_key(" 资助金额（元） "), "资助金额(元)");
        assert_eq!(header_key("Ｅｍａｉｌ 地址"), "email地址");
        assert_eq!(infer("资助金额（元）"), Role::Amount);
        assert_eq!(infer("姓　名"), Role::Name);
        assert_eq!(sensitive("联 系 电 话"), Some(CONTACT));
    }
}
