//! The new-list wizard: a school's file uploaded, the roles of its columns
//! inferred and changed by the user, the public page's first rows shown
//! masked, the period counted in working days, and the bundle written as
//! `gongshi new list` writes it (`scaffold::list`, every build check).
//! A column whose header names never-public data (ID, phone, address,
//! hardship…) cannot be made public: refused here, whatever the page sent.

use super::reply::{self, ApiError, ApiResult};
use super::state::State;
use super::upload::{self, Kind, Upload};
use crate::date::Date;
use crate::privacy::roles::{sensitive, Role};
use crate::scaffold::list::{self as scaffold, NewList};
use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One column as the page shows it.
#[derive(Serialize)]
struct ColumnView {
    header: String,
    role: &'static str,
    label: &'static str,
    /// Why it may never be public, when its header says so.
    never_public: Option<&'static str>,
}

/// What the page shows of a file with the roles given.
#[derive(Serialize)]
struct Preview {
    upload: String,
    name: String,
    columns: Vec<ColumnView>,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    count: usize,
}

/// Refuses roles that would make a never-public column public.
pub fn refuse_public_private(roles: &BTreeMap<String, Role>) -> Result<(), ApiError> {
    let refused: Vec<String> = roles
        .iter()
        .filter(|(_, r)| r.can_be_public())
        .filter_map(|(h, r)| {
            sensitive(h).map(|why| format!("“{h}”属于{why}，不能公开（不能设为“{}”），请设为“不公开”", r.label()))
        })
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(ApiError::refused("有不能公开的列被设为公开，没有采用这些设置", refused))
    }
}

fn request<'a>(u: &'a Upload, today: Date, columns: Option<&'a BTreeMap<String, Role>>) -> NewList<'a> {
    NewList {
        file: &u.path,
        today,
        term: None,
        school: None,
        programme: None,
        slug: None,
        sheet: None,
        columns,
        days: 5,
        label: Some(&u.name),
    }
}

fn preview(state: &State, id: &str, u: &Upload, columns: Option<&BTreeMap<String, Role>>) -> Result<Preview, ApiError> {
    let (_, config) = state.site()?;
    let req = request(u, state.today(), columns);
    let seen = scaffold::inspect(&req, &u.name, config.publicity.name_mask)
        .map_err(|problems| ApiError::refused(format!("“{}”有问题，请改好文件后重新选择", u.name), problems))?;
    let columns = seen
        .columns
        .into_iter()
        .map(|(header, role)| ColumnView {
            never_public: sensitive(&header),
            header,
            role: role.key(),
            label: role.label(),
        })
        .collect();
    Ok(Preview {
        upload: id.to_string(),
        name: u.name.clone(),
        columns,
        headers: seen.headers,
        rows: seen.rows,
        count: seen.count,
    })
}

/// POST /api/list/upload: the file as the body, its name in X-File-Name.
pub async fn upload(Extract(state): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> ApiResult {
    let name = upload::file_name(&headers, Kind::List)?;
    reply::json(
        &reply::blocking(move || {
            let work = state.work()?;
            let (id, u) = upload::save(
                &mut state.uploads.lock().unwrap_or_else(|e| e.into_inner()),
                &work,
                (Kind::List, name),
                &body,
            )?;
            let p = preview(&state, &id, &u, None);
            if p.is_err() {
                state.uploads.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
            }
            p
        })
        .await?,
    )
}

#[derive(Deserialize)]
struct Roles {
    upload: String,
    roles: BTreeMap<String, Role>,
}

/// POST /api/list/preview: the preview with the roles the user chose.
pub async fn roles(Extract(state): Extract<Arc<State>>, body: Bytes) -> ApiResult {
    let req: Roles = reply::parse(&body)?;
    refuse_public_private(&req.roles)?;
    reply::json(
        &reply::blocking(move || {
            let u = state.uploads.lock().unwrap_or_else(|e| e.into_inner()).get(&req.upload, Kind::List)?;
            preview(&state, &req.upload, &u, Some(&req.roles))
        })
        .await?,
    )
}

#[derive(Deserialize)]
struct Create {
    upload: String,
    roles: BTreeMap<String, Role>,
    programme: String,
    school: String,
    term: String,
    start: String,
    days: u32,
    slug: String,
}

/// POST /api/list/create: writes `content/lists/<term>/<slug>/` with the
/// file beside its `index.md`.
pub async fn create(Extract(state): Extract<Arc<State>>, body: Bytes) -> ApiResult {
    let req: Create = reply::parse(&body)?;
    refuse_public_private(&req.roles)?;
    reply::one_line(&[
        ("资助项目", &req.programme),
        ("学校", &req.school),
        ("学期", &req.term),
        ("公示开始日期", &req.start),
        ("文件夹名", &req.slug),
    ])?;
    let start = Date::parse(&req.start).ok_or_else(|| ApiError::bad("公示开始日期无效，应写成 2025-10-10 这样"))?;
    if req.school.trim().is_empty() {
        return Err(ApiError::bad("请填写学校全称"));
    }
    if req.days == 0 || req.days > crate::schedule::calendar::MAX_DAYS {
        return Err(ApiError::bad("公示天数不合理：一般为 5 或 7 个工作日"));
    }
    reply::json(&reply::blocking(move || write(&state, &req, start)).await?)
}

fn write(state: &State, req: &Create, start: Date) -> Result<serde_json::Value, ApiError> {
    let (root, config) = state.site()?;
    let u = state.uploads.lock().unwrap_or_else(|e| e.into_inner()).get(&req.upload, Kind::List)?;
    // The usual term keeps its usual folder name (2025-qiu).
    let term = req.term.trim();
    let term = (term != scaffold::term_of(start).0 && !term.is_empty()).then_some(term);
    let slug = req.slug.trim();
    let mut new = request(&u, start, Some(&req.roles));
    new.term = term;
    new.school = Some(req.school.trim());
    new.programme = Some(req.programme.as_str());
    new.slug = (!slug.is_empty()).then_some(slug);
    new.days = req.days;
    let written = {
        let _job = state.jobs.lock().unwrap_or_else(|e| e.into_inner());
        scaffold::create(&root, &new, &config)
    }
    .map_err(|problems| ApiError::refused("没有新建名单", problems))?;
    state.uploads.lock().unwrap_or_else(|e| e.into_inner()).remove(&req.upload);
    state.tell("overview");
    Ok(serde_json::json!({ "ok": true, "index": written.index, "count": written.count, "to_check": written.to_check }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(pairs: &[(&str, Role)]) -> BTreeMap<String, Role> {
        pairs.iter().map(|(h, r)| (h.to_string(), *r)).collect()
    }

    #[test]
    fn never_public_columns_cannot_be_made_public() {
        for header in ["身份证号", "家庭住址", "联系电话", "家庭经济困难类型", "学籍号", "银行卡号", "Phone No."]
        {
            for role in [Role::Public, Role::Name, Role::Tier, Role::Amount] {
                let e = refuse_public_private(&roles(&[("姓名", Role::Name), (header, role)])).unwrap_err();
                assert_eq!(e.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
                assert!(e.problems[0].contains(header), "{:?}", e.problems);
            }
            assert!(refuse_public_private(&roles(&[(header, Role::Private)])).is_ok(), "{header}");
        }
        assert!(refuse_public_private(&roles(&[("身份证号", Role::IdNumber)])).is_ok());
    }

    #[test]
    fn ordinary_columns_may_be_public() {
        let r =
            roles(&[("姓名", Role::Name), ("年级", Role::Public), ("班级", Role::Public), ("资助金额", Role::Amount)]);
        assert!(refuse_public_private(&r).is_ok());
    }
}
