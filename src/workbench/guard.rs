//! Who may talk to the workbench: requests addressed to this machine (the
//! Host header, as `gongshi serve` checks it) that carry the session's
//! token. Pages and files take it from the address the workbench opened
//! (`?t=`) or from the cookie that first page set; a request that changes
//! something must send it in the `X-Gongshi-Token` header, which a page on
//! another site cannot add without this server's consent (CORS, which it
//! never gives).

use axum::http::Method;
use std::net::{IpAddr, Ipv4Addr};

/// The header a changing request carries the token in.
pub const TOKEN_HEADER: &str = "x-gongshi-token";
/// The cookie the first page sets (HttpOnly, SameSite=Strict).
pub const COOKIE: &str = "gongshi_workbench";

/// A new session's token: 128 bits from the operating system's randomness
/// (through the standard library's randomly keyed hasher), as hex.
pub fn new_token() -> String {
    use std::hash::BuildHasher;
    let a = std::collections::hash_map::RandomState::new();
    let b = std::collections::hash_map::RandomState::new();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{:016x}{:016x}", a.hash_one(now), b.hash_one(std::process::id()))
}

/// Where a request's token may be.
#[derive(Default)]
pub struct Presented<'a> {
    pub query: Option<&'a str>,
    pub header: Option<&'a str>,
    pub cookie: Option<&'a str>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// 403: the Host header names another machine (DNS rebinding).
    ForeignHost,
    /// 403: no token, or the wrong one.
    NoToken,
}

/// The rule for one request.
pub fn judge(host: &str, port: u16, method: &Method, presented: &Presented, token: &str) -> Verdict {
    if !crate::serve::host_allowed(host, IpAddr::V4(Ipv4Addr::LOCALHOST), port) {
        return Verdict::ForeignHost;
    }
    let reads = method == Method::GET || method == Method::HEAD;
    let candidates: &[Option<&str>] =
        if reads { &[presented.header, presented.query, presented.cookie] } else { &[presented.header] };
    if candidates.iter().flatten().any(|t| same(t, token)) {
        Verdict::Allow
    } else {
        Verdict::NoToken
    }
}

/// Compared in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `t=…` in a query string.
pub fn query_token(query: Option<&str>) -> Option<&str> {
    query?.split('&').find_map(|kv| kv.strip_prefix("t="))
}

/// The workbench's cookie in a `Cookie` header.
pub fn cookie_token(cookie: Option<&str>) -> Option<&str> {
    cookie?.split(';').map(str::trim).find_map(|kv| kv.strip_prefix(COOKIE)?.strip_prefix('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "0123456789abcdef0123456789abcdef";

    fn with(
        query: Option<&'static str>,
        header: Option<&'static str>,
        cookie: Option<&'static str>,
    ) -> Presented<'static> {
        Presented { query, header, cookie }
    }

    #[test]
    fn tokens_are_long_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn reading_needs_the_token_somewhere() {
        let get = Method::GET;
        assert_eq!(judge("127.0.0.1:5000", 5000, &get, &with(Some(T), None, None), T), Verdict::Allow);
        assert_eq!(judge("127.0.0.1:5000", 5000, &get, &with(None, None, Some(T)), T), Verdict::Allow);
        assert_eq!(judge("localhost:5000", 5000, &get, &with(None, Some(T), None), T), Verdict::Allow);
        assert_eq!(judge("127.0.0.1:5000", 5000, &get, &with(None, None, None), T), Verdict::NoToken);
        let wrong = "0123456789abcdef0123456789abcdee";
        assert_eq!(judge("127.0.0.1:5000", 5000, &get, &with(Some(wrong), None, None), T), Verdict::NoToken);
        assert_eq!(judge("127.0.0.1:5000", 5000, &get, &with(Some(""), None, None), T), Verdict::NoToken);
    }

    #[test]
    fn changing_needs_the_header() {
        let post = Method::POST;
        assert_eq!(judge("127.0.0.1:5000", 5000, &post, &with(None, Some(T), None), T), Verdict::Allow);
        // A form on another site could send the cookie or put the token in
        // the address only if it knew it; still, only the header counts.
        assert_eq!(judge("127.0.0.1:5000", 5000, &post, &with(Some(T), None, Some(T)), T), Verdict::NoToken);
        assert_eq!(judge("127.0.0.1:5000", 5000, &Method::DELETE, &with(None, None, None), T), Verdict::NoToken);
    }

    #[test]
    fn foreign_hosts_are_refused_even_with_the_token() {
        let get = Method::GET;
        for host in ["evil.example:5000", "evil.example", "127.0.0.1:5001", "192.168.1.5:5000", ""] {
            assert_eq!(judge(host, 5000, &get, &with(Some(T), Some(T), Some(T)), T), Verdict::ForeignHost, "{host}");
        }
    }

    #[test]
    fn tokens_are_found_in_queries_and_cookies() {
        assert_eq!(query_token(Some("a=1&t=abc")), Some("abc"));
        assert_eq!(query_token(Some("tt=abc")), None);
        assert_eq!(cookie_token(Some("x=1; gongshi_workbench=abc")), Some("abc"));
        assert_eq!(cookie_token(Some("gongshi_workbench_x=abc")), None);
    }
}
