//! The new-policy wizard: a Word document (.docx, or .txt) uploaded, the
//! fields `gongshi new policy` finds in it (title, 文号, issuer, date)
//! shown for the user to check and correct, and the page written by the
//! same import (`import::policy_checked`).

use super::reply::{self, ApiError, ApiResult};
use super::state::State;
use super::upload::{self, Kind, Upload};
use crate::date::Date;
use crate::import::{self, ImportError};
use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::HeaderMap;
use serde::Deserialize;
use std::sync::Arc;

/// The importer names the file it read: here that is the upload's copy in
/// the work folder, so the message names the file the user chose instead.
fn import_error(e: ImportError, u: &Upload) -> ApiError {
    match e {
        ImportError::Usage(m) | ImportError::Failed(m) => {
            let m =
                m.replace(&crate::platform::shown(&u.path), &u.name).replace(&u.path.display().to_string(), &u.name);
            ApiError::refused("没有导入", vec![m])
        }
    }
}

/// POST /api/policy/upload: the document as the body, its name in X-File-Name.
pub async fn upload(Extract(state): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> ApiResult {
    let name = upload::file_name(&headers, Kind::Policy)?;
    reply::json(
        &reply::blocking(move || {
            let work = state.work()?;
            let mut uploads = state.uploads.lock().unwrap_or_else(|e| e.into_inner());
            let (id, u) = upload::save(&mut uploads, &work, (Kind::Policy, name), &body)?;
            let found = match import::fields(&u.path) {
                Ok(f) => f,
                Err(e) => {
                    uploads.remove(&id);
                    return Err(import_error(e, &u));
                }
            };
            Ok(serde_json::json!({
                "upload": id,
                "name": u.name,
                "title": found.title,
                "doc_number": found.doc_number,
                "issuer": found.issuer,
                "date": found.date.map(|d| d.iso()),
                "slug": import::slug_from(&u.path),
            }))
        })
        .await?,
    )
}

#[derive(Deserialize)]
struct Create {
    upload: String,
    title: String,
    doc_number: String,
    issuer: String,
    date: String,
    slug: String,
}

fn filled(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// POST /api/policy/create: writes `content/policies/<slug>.md`; a field
/// left empty is marked 请填写, which `check` refuses until it is filled.
pub async fn create(Extract(state): Extract<Arc<State>>, body: Bytes) -> ApiResult {
    let req: Create = reply::parse(&body)?;
    reply::one_line(&[
        ("标题", &req.title),
        ("文号", &req.doc_number),
        ("发文单位", &req.issuer),
        ("成文日期", &req.date),
        ("文件名", &req.slug),
    ])?;
    let date = match filled(&req.date) {
        Some(d) => Some(Date::parse(&d).ok_or_else(|| ApiError::bad("成文日期无效，应写成 2025-03-01 这样"))?),
        None => None,
    };
    reply::json(
        &reply::blocking(move || {
            let (root, config) = state.site()?;
            let u = state.uploads.lock().unwrap_or_else(|e| e.into_inner()).get(&req.upload, Kind::Policy)?;
            let slug = filled(&req.slug);
            let checked = |f: &mut import::policy_meta::Found| {
                f.title = filled(&req.title);
                f.doc_number = filled(&req.doc_number);
                f.issuer = filled(&req.issuer);
                f.date = date;
            };
            let done = {
                let _job = state.jobs.lock().unwrap_or_else(|e| e.into_inner());
                import::policy_checked(&root, &u.path, slug.as_deref(), &config, &checked)
            }
            .map_err(|e| import_error(e, &u))?;
            state.uploads.lock().unwrap_or_else(|e| e.into_inner()).remove(&req.upload);
            state.tell("overview");
            Ok(serde_json::json!({ "ok": true, "file": done.file, "to_check": done.to_check }))
        })
        .await?,
    )
}
