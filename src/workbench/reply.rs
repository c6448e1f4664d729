//! Answers of the workbench's API: JSON bodies, and errors in Chinese with
//! the status code that says whose fault they are.

use axum::body::Bytes;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// An API error: its status code and the Chinese message the page shows.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// Problems found (file, line, what to do), one a line.
    pub problems: Vec<String>,
}

/// Fields written into front matter are one line each: a line break typed
/// or pasted into one would leave an `index.md` the whole site cannot build.
pub fn one_line(fields: &[(&str, &str)]) -> Result<(), ApiError> {
    match fields.iter().find(|(_, v)| v.chars().any(char::is_control)) {
        Some((label, _)) => Err(ApiError::bad(format!("“{label}”里不能有换行、制表符等控制字符：请改成一行文字"))),
        None => Ok(()),
    }
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into(), problems: Vec::new() }
    }

    /// 400: the request itself is wrong (a missing field, a bad date).
    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 422: the user's file or choice is refused; `problems` say why.
    pub fn refused(message: impl Into<String>, problems: Vec<String>) -> ApiError {
        ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, message: message.into(), problems }
    }

    /// 409: there is no site yet.
    pub fn no_site() -> ApiError {
        ApiError::new(
            StatusCode::CONFLICT,
            "这里还没有 gongshi 站点：请先新建站点，或用 gongshi workbench --root 指定站点目录",
        )
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "ok": false, "message": self.message, "problems": self.problems });
        json_with(self.status, &body)
    }
}

pub type ApiResult = Result<Response, ApiError>;

/// 200 with `value` as JSON.
pub fn json(value: &impl Serialize) -> ApiResult {
    Ok(json_with(StatusCode::OK, value))
}

fn json_with(status: StatusCode, value: &impl Serialize) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response()
}

/// A JSON request body.
pub fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad(format!("请求的内容无法读取：{e}")))
}

/// Runs blocking work (a build, reading a workbook) on a thread of its
/// own, outside the server's runtime: publishing and reading a bucket
/// start runtimes of their own, which a runtime's thread may not.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    rx.await.map_err(|_| ApiError::internal("工作台内部错误：任务意外中止"))?
}
