//! A list's letter batches in its cache entry, as bytes: a county's 400
//! entries hold 14,400 batches, and reading them as JSON was a third of
//! reading the entries on every rebuild. Each text is its length and bytes,
//! or, where it is the previous batch's same field (the term, school and
//! list title of a list's batches nearly always are), a marker.

use crate::letters::print::Batch;

const SAME: u32 = u32::MAX;

pub fn to_bytes(batches: &[Batch]) -> Vec<u8> {
    let mut out = Vec::with_capacity(batches.len() * 160);
    let mut previous: Option<&Batch> = None;
    for b in batches {
        let before = previous.map(texts);
        for (k, text) in texts(b).iter().enumerate() {
            match before.as_ref().is_some_and(|p| p[k] == *text) {
                true => out.extend_from_slice(&SAME.to_le_bytes()),
                false => {
                    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
                    out.extend_from_slice(text.as_bytes());
                }
            }
        }
        for n in [b.count as u64, b.shrunk as u64, u64::from(b.smallest_size)] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        previous = Some(b);
    }
    out
}

/// None when the bytes are not what `to_bytes` writes.
pub fn from_bytes(mut bytes: &[u8]) -> Option<Vec<Batch>> {
    let mut batches: Vec<Batch> = Vec::new();
    while !bytes.is_empty() {
        let mut fields: [String; 6] = Default::default();
        for (k, field) in fields.iter_mut().enumerate() {
            let len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
            bytes = &bytes[4..];
            *field = match len {
                SAME => texts(batches.last()?)[k].to_string(),
                len => {
                    let (text, rest) = bytes.split_at_checked(len as usize)?;
                    bytes = rest;
                    std::str::from_utf8(text).ok()?.to_string()
                }
            };
        }
        let mut number = || -> Option<u64> {
            let n = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
            bytes = &bytes[8..];
            Some(n)
        };
        let (count, shrunk, smallest) = (number()?, number()?, number()?);
        let [term, school, group, list_title, letters_file, roster_file] = fields;
        batches.push(Batch {
            term,
            school,
            group,
            list_title,
            count: usize::try_from(count).ok()?,
            letters_file,
            roster_file,
            shrunk: usize::try_from(shrunk).ok()?,
            smallest_size: u32::try_from(smallest).ok()?,
        });
    }
    Some(batches)
}

fn texts(b: &Batch) -> [&str; 6] {
    [&b.term, &b.school, &b.group, &b.list_title, &b.letters_file, &b.roster_file]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(group: &str, count: usize) -> Batch {
        Batch {
            term: "2025年秋季学期".into(),
            school: "测试县第一中学".into(),
            group: group.into(),
            list_title: "拟资助名单".into(),
            count,
            letters_file: format!("2025-qiu/一中/yizhong/{group}.html"),
            roster_file: format!("2025-qiu/一中/yizhong/{group}-回执登记表.html"),
            shrunk: count / 2,
            smallest_size: 105,
        }
    }

    #[test]
    fn batches_come_back_as_they_were() {
        let batches =
            vec![batch("1班", 3), batch("2班", 40), batch("2班", 0), Batch { term: String::new(), ..batch("", 1) }];
        let bytes = to_bytes(&batches);
        let back = from_bytes(&bytes).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), serde_json::to_string(&batches).unwrap());
        assert_eq!(from_bytes(&[]).unwrap().len(), 0);
        assert!(bytes.len() < serde_json::to_vec(&batches).unwrap().len() / 2);
    }

    #[test]
    fn cut_or_made_up_bytes_are_refused() {
        let bytes = to_bytes(&[batch("1班", 3), batch("2班", 4)]);
        for cut in [1, 5, bytes.len() / 2, bytes.len() - 1] {
            assert!(from_bytes(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        // The first batch cannot repeat a batch before it.
        assert!(from_bytes(&SAME.to_le_bytes()).is_none());
    }
}
