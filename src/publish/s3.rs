//! Publishing to S3-compatible object storage (Alibaba OSS, Tencent COS,
//! Huawei OBS, MinIO, AWS) through the `object_store` crate.
//!
//! A publish reads gongshi's manifest object under the prefix. When it is
//! complete, it is trusted as the bucket's state (no listing: a province's
//! 20,000 objects need no requests when nothing changed). When there is
//! none, or the last publish was interrupted, the prefix is listed. Then,
//! following the plan (`s3_plan`): the manifest is rewritten as "publishing"
//! and owning everything about to change, objects are deleted and uploaded
//! in order, and the manifest is written "complete" with every hash. A
//! publish stopped anywhere leaves a manifest that owns every key it may
//! have written, so the next publish finishes the job. Keys outside the
//! prefix are never listed, read, written or deleted; keys inside it that
//! gongshi did not write are left alone.

use crate::publish::digests::Digests;
use crate::publish::s3_plan::{self, Local, Manifest, Phase, Plan, Remote, COMPLETE, MANIFEST_KEY, PUBLISHING};
use crate::publish::timeline::{Clock, Timeline};
use crate::targets::S3Target;
use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions, PutPayload,
    RetryConfig,
};
use rayon::prelude::*;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Requests in flight at once.
const CONCURRENCY: usize = 16;
/// How long one request may keep being retried.
const RETRY_FOR: Duration = Duration::from_secs(120);

/// What went wrong, in words staff can act on.
#[derive(Debug)]
pub enum S3Error {
    NoCredentials {
        target: String,
    },
    Credentials {
        target: String,
        detail: String,
    },
    Denied {
        target: String,
        key: String,
        detail: String,
    },
    NoBucket {
        target: String,
        bucket: String,
        endpoint: String,
    },
    Unreachable {
        target: String,
        endpoint: String,
        retries: usize,
        detail: String,
    },
    Failed {
        target: String,
        what: String,
        detail: String,
    },
    Local {
        path: String,
        detail: String,
    },
    /// Stopped on purpose after some uploads (tests of interrupted publishes).
    Interrupted {
        target: String,
        uploaded: usize,
    },
}

impl fmt::Display for S3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, hint) = match self {
            S3Error::NoCredentials { target } => (
                format!("发布目标“{target}”没有对象存储的访问密钥"),
                format!(
                    "设置环境变量 GONGSHI_S3_ACCESS_KEY 和 GONGSHI_S3_SECRET_KEY（也可用 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY；只给这个目标用时写 GONGSHI_S3_{}_ACCESS_KEY）",
                    env_name(target)
                ),
            ),
            S3Error::Credentials { target, detail } => (
                format!("对象存储拒绝了发布目标“{target}”的访问密钥：AccessKey 或 SecretKey 不对（{detail}）"),
                "核对环境变量 GONGSHI_S3_ACCESS_KEY / GONGSHI_S3_SECRET_KEY 是否与云控制台中的密钥一致、密钥是否已停用；region 是否与存储桶所在地域一致".into(),
            ),
            S3Error::Denied { target, key, detail } => (
                format!("发布目标“{target}”的访问密钥没有权限操作 {key}（{detail}）"),
                "在云控制台给这个密钥授予该存储桶的读、写、删除和列出权限".into(),
            ),
            S3Error::NoBucket { target, bucket, endpoint } => (
                format!("发布目标“{target}”的存储桶“{bucket}”不存在（{endpoint}）"),
                "在云控制台创建这个存储桶，或改正 site-config.toml 中的 bucket；endpoint 的地域要与存储桶一致".into(),
            ),
            S3Error::Unreachable { target, endpoint, retries, detail } => (
                format!("连接不上发布目标“{target}”的对象存储 {endpoint}（已重试 {retries} 次：{detail}）"),
                "检查网络是否通、endpoint 的地址和端口是否写对；内网的存储要在能访问它的电脑上发布。网络恢复后重新运行 gongshi publish，会接着完成这次发布".into(),
            ),
            S3Error::Failed { target, what, detail } => (
                format!("发布到“{target}”时{what}失败：{detail}"),
                "稍后重新运行 gongshi publish，会接着完成这次发布".into(),
            ),
            S3Error::Local { path, detail } => {
                (format!("读取 {path} 失败：{detail}"), "确认输出目录完整后重新运行 gongshi publish".into())
            }
            S3Error::Interrupted { target, uploaded } => (
                format!("发布到“{target}”在上传 {uploaded} 个文件后中断"),
                "重新运行 gongshi publish，会接着完成这次发布".into(),
            ),
        };
        write!(f, "{what}\n  提示：{hint}")
    }
}

impl std::error::Error for S3Error {}

/// `GONGSHI_S3_<NAME>_ACCESS_KEY`: the target's name in upper case, other
/// characters as `_`.
fn env_name(target: &str) -> String {
    target.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

fn credential(target: &str, which: &str, aws: &str) -> Option<String> {
    [format!("GONGSHI_S3_{}_{which}", env_name(target)), format!("GONGSHI_S3_{which}"), aws.to_string()]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
}

/// A bucket and prefix, connected.
pub struct Bucket {
    store: AmazonS3,
    prefix: String,
    target: String,
    conf: S3Target,
}

impl Bucket {
    /// Connects with the keys from the environment (see `credential`).
    pub fn connect(target: &str, conf: &S3Target) -> Result<Bucket, S3Error> {
        let key = credential(target, "ACCESS_KEY", "AWS_ACCESS_KEY_ID");
        let secret = credential(target, "SECRET_KEY", "AWS_SECRET_ACCESS_KEY");
        let (Some(key), Some(secret)) = (key, secret) else {
            return Err(S3Error::NoCredentials { target: target.into() });
        };
        Bucket::connect_with(target, conf, &key, &secret)
    }

    pub fn connect_with(target: &str, conf: &S3Target, key: &str, secret: &str) -> Result<Bucket, S3Error> {
        install_tls();
        let virtual_hosts = conf.uses_virtual_hosts();
        let endpoint =
            if virtual_hosts { with_bucket_host(&conf.endpoint, &conf.bucket) } else { conf.endpoint.clone() };
        let retry = RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(200),
                max_backoff: Duration::from_secs(10),
                base: 2.0,
            },
            max_retries: conf.retries,
            retry_timeout: RETRY_FOR,
        };
        let store = AmazonS3Builder::new()
            .with_endpoint(endpoint.trim_end_matches('/'))
            .with_bucket_name(&conf.bucket)
            .with_region(conf.region.as_deref().unwrap_or("us-east-1"))
            .with_access_key_id(key)
            .with_secret_access_key(secret)
            .with_virtual_hosted_style_request(virtual_hosts)
            .with_retry(retry)
            // Client options carry allow_http too: set it there, not before.
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(true)
                    .with_connect_timeout(Duration::from_secs(10))
                    .with_timeout(Duration::from_secs(120)),
            )
            .build()
            .map_err(|e| S3Error::Failed {
                target: target.into(), what: "连接设置".into(), detail: e.to_string()
            })?;
        Ok(Bucket { store, prefix: conf.key_prefix(), target: target.into(), conf: conf.clone() })
    }

    fn path(&self, key: &str) -> Key {
        Key::from(format!("{}{key}", self.prefix))
    }

    fn error(&self, what: &str, key: &str, e: object_store::Error) -> S3Error {
        classify(&self.target, &self.conf, what, key, e)
    }

    /// An object's bytes and headers, or None when it does not exist.
    pub async fn get(&self, key: &str) -> Result<Option<(Bytes, Attributes)>, S3Error> {
        match self.store.get(&self.path(key)).await {
            Ok(r) => {
                let attributes = r.attributes.clone();
                let bytes = r.bytes().await.map_err(|e| self.error("读取", key, e))?;
                Ok(Some((bytes, attributes)))
            }
            Err(object_store::Error::NotFound { source, .. }) if !source.to_string().contains("NoSuchBucket") => {
                Ok(None)
            }
            Err(e) => Err(self.error("读取", key, e)),
        }
    }

    async fn put(&self, key: &str, bytes: Bytes, content_type: &str, cache_control: &str) -> Result<(), S3Error> {
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, content_type.to_string().into());
        attributes.insert(Attribute::CacheControl, cache_control.to_string().into());
        let opts = PutOptions { attributes, ..PutOptions::default() };
        self.store
            .put_opts(&self.path(key), PutPayload::from_bytes(bytes), opts)
            .await
            .map_err(|e| self.error("上传", key, e))?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), S3Error> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) => Ok(()),
            Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error("删除", key, e)),
        }
    }

    /// Every key under the prefix (relative to it) with its size.
    pub async fn list(
        &self,
    ) -> Result<std::collections::HashMap<String, u64, crate::fingerprint::FnvBuildHasher>, S3Error> {
        let prefix = (!self.prefix.is_empty()).then(|| Key::from(self.prefix.trim_end_matches('/')));
        let metas: Vec<object_store::ObjectMeta> =
            self.store.list(prefix.as_ref()).try_collect().await.map_err(|e| self.error("列出文件", "", e))?;
        Ok(metas
            .into_iter()
            .filter_map(|m| {
                let key = m.location.as_ref().strip_prefix(self.prefix.as_str())?.to_string();
                Some((key, m.size))
            })
            .collect())
    }

    pub async fn read_manifest(&self) -> Result<Option<Manifest>, S3Error> {
        Ok(self.get(MANIFEST_KEY).await?.and_then(|(b, _)| serde_json::from_slice(&b).ok()))
    }

    async fn write_manifest(&self, m: &Manifest) -> Result<(), S3Error> {
        let text = serde_json::to_vec(m).unwrap_or_default();
        self.put(MANIFEST_KEY, Bytes::from(text), "application/json; charset=utf-8", "no-store").await
    }
}

/// `https://oss-cn-hangzhou.aliyuncs.com` → `https://zizhu.oss-cn-hangzhou.aliyuncs.com`.
fn with_bucket_host(endpoint: &str, bucket: &str) -> String {
    match endpoint.split_once("://") {
        Some((scheme, host)) if !host.starts_with(&format!("{bucket}.")) => format!("{scheme}://{bucket}.{host}"),
        _ => endpoint.to_string(),
    }
}

fn install_tls() {
    // Ignored when a provider is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Puts an `object_store` error into words: the S3 error code in the
/// response body and the HTTP status tell the cases apart.
fn classify(target: &str, conf: &S3Target, what: &str, key: &str, e: object_store::Error) -> S3Error {
    let mut text = e.to_string();
    let mut unreachable = false;
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(" / ");
        text.push_str(&s.to_string());
        if let Some(h) = s.downcast_ref::<object_store::client::HttpError>() {
            use object_store::client::HttpErrorKind as K;
            unreachable |= matches!(h.kind(), K::Connect | K::Timeout);
        }
        source = s.source();
    }
    let code = ["InvalidAccessKeyId", "SignatureDoesNotMatch", "NotSignedUp", "NoSuchBucket", "AccessDenied"]
        .into_iter()
        .find(|c| text.contains(c));
    let target = target.to_string();
    match (code, &e) {
        (Some("NoSuchBucket"), _) => {
            S3Error::NoBucket { target, bucket: conf.bucket.clone(), endpoint: conf.endpoint.clone() }
        }
        (Some(c @ ("InvalidAccessKeyId" | "SignatureDoesNotMatch" | "NotSignedUp")), _) => {
            S3Error::Credentials { target, detail: c.into() }
        }
        (_, object_store::Error::Unauthenticated { .. }) => S3Error::Credentials { target, detail: "401".into() },
        (_, object_store::Error::PermissionDenied { .. }) => {
            S3Error::Denied { target, key: format!("{}{key}", conf.key_prefix()), detail: code.unwrap_or("403").into() }
        }
        _ if unreachable => S3Error::Unreachable {
            target,
            endpoint: conf.endpoint.clone(),
            retries: conf.retries,
            detail: short(&text),
        },
        _ => S3Error::Failed { target, what: format!("{what} {key}"), detail: short(&text) },
    }
}

fn short(text: &str) -> String {
    let t: String = text.chars().take(300).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// What a publish did.
#[derive(Debug, Default, Clone)]
pub struct S3Stats {
    pub uploaded: usize,
    pub deleted: usize,
    pub unchanged: usize,
    /// Keys under the prefix gongshi did not write (left alone).
    pub foreign: Vec<String>,
    /// The listing was needed (first publish or an interrupted one).
    pub listed: bool,
}

#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Stop after this many uploads, as if the process were killed (tests
    /// of interrupted publishes).
    pub stop_after: Option<usize>,
    /// Access key and secret instead of the environment's.
    pub keys: Option<(String, String)>,
}

/// The site's files, with their headers and hashes.
pub fn local_objects(site: &Site) -> Result<Vec<Local>, S3Error> {
    let digests = Digests::load(site.digests);
    crate::timing::mark("s3: digests loaded");
    let (timeline, clock) = (site.timeline, site.clock);
    let local = site
        .files
        .par_iter()
        .filter(|f| uploaded(f))
        .map(|key| {
            let (size, digest) = digests.of(site.dir, key).map_err(|e| S3Error::Local {
                path: crate::platform::shown(&site.dir.join(key)),
                detail: e.to_string(),
            })?;
            let status = s3_plan::list_id(key).and_then(|id| timeline.get(id)).map(|l| l.status(clock.today));
            let phase = s3_plan::phase_of(key, status);
            let content_type = s3_plan::content_type(key);
            let cache_control = s3_plan::cache_control(key, phase, timeline, clock);
            let hash = s3_plan::hash(content_type, &cache_control, digest);
            Ok(Local { key: key.clone(), size, content_type, cache_control, hash, phase })
        })
        .collect::<Result<Vec<Local>, S3Error>>()?;
    crate::timing::mark("s3: digests");
    digests.save();
    Ok(local)
}

/// Files of the output that go to object storage: not Apache's `.htaccess`
/// nor gongshi's own bookkeeping.
fn uploaded(rel: &str) -> bool {
    let top = rel.split('/').next().unwrap_or(rel);
    rel != crate::publish::failsafe::HTACCESS && !top.starts_with(".gongshi") && rel != MANIFEST_KEY
}

/// A built site to publish: its folder, its files, and the day.
pub struct Site<'a> {
    pub dir: &'a Path,
    /// Relative paths in `dir`.
    pub files: &'a [String],
    pub timeline: &'a Timeline,
    pub clock: &'a Clock,
    /// Where the files' digests are remembered between publishes.
    pub digests: Option<&'a Path>,
}

/// Brings the prefix to exactly the site.
pub fn publish(target: &str, conf: &S3Target, site: &Site, opts: Options) -> Result<S3Stats, S3Error> {
    let local = local_objects(site)?;
    let (dir, clock) = (site.dir, site.clock);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| S3Error::Failed { target: target.into(), what: "启动".into(), detail: e.to_string() })?;
    crate::timing::mark("s3: hashes");
    runtime.block_on(async {
        let bucket = match &opts.keys {
            Some((key, secret)) => Bucket::connect_with(target, conf, key, secret)?,
            None => Bucket::connect(target, conf)?,
        };
        sync(&bucket, dir, local, clock, &opts).await
    })
}

/// Runs a plan against the bucket (see the module's comment).
pub async fn sync(
    bucket: &Bucket,
    site: &Path,
    local: Vec<Local>,
    clock: &Clock,
    opts: &Options,
) -> Result<S3Stats, S3Error> {
    let manifest = bucket.read_manifest().await?;
    let remote = match manifest {
        Some(m) if m.is_complete() => Remote::Manifest(m),
        manifest => Remote::Listed { manifest, keys: bucket.list().await? },
    };
    let listed = matches!(remote, Remote::Listed { .. });
    crate::timing::mark("s3: manifest");
    let plan = s3_plan::plan(local, &remote);
    crate::timing::mark("s3: plan");
    let mut stats = S3Stats { unchanged: plan.unchanged, foreign: plan.foreign.clone(), listed, ..S3Stats::default() };
    let today = clock.today.iso();
    let complete_already = matches!(&remote, Remote::Manifest(m) if m.today == today);
    if plan.is_empty() {
        // Nothing to change; record the day once (status --target reads it).
        if !complete_already || listed {
            bucket.write_manifest(&Manifest::new(COMPLETE, &today, plan.done.clone())).await?;
        }
        return Ok(stats);
    }
    bucket.write_manifest(&Manifest::new(PUBLISHING, &today, plan.pending.clone())).await?;
    run(bucket, site, &plan, opts, &mut stats).await?;
    bucket.write_manifest(&Manifest::new(COMPLETE, &today, plan.done.clone())).await?;
    Ok(stats)
}

async fn run(bucket: &Bucket, site: &Path, plan: &Plan, opts: &Options, stats: &mut S3Stats) -> Result<(), S3Error> {
    // Withdrawn pages' objects go first.
    futures_util::stream::iter(plan.delete.iter().map(Ok))
        .try_for_each_concurrent(CONCURRENCY, |key| bucket.delete(key))
        .await?;
    stats.deleted = plan.delete.len();
    let done = AtomicUsize::new(0);
    let phases = [Phase::Withdraw, Phase::Asset, Phase::Page, Phase::Index, Phase::Stamp];
    for phase in phases {
        let batch: Vec<&Local> = plan.upload.iter().filter(|l| l.phase == phase).collect();
        futures_util::stream::iter(batch.into_iter().map(Ok))
            .try_for_each_concurrent(CONCURRENCY, |l| {
                let done = &done;
                async move {
                    if opts.stop_after.is_some_and(|n| done.load(Ordering::SeqCst) >= n) {
                        return Err(S3Error::Interrupted {
                            target: bucket.target.clone(),
                            uploaded: done.load(Ordering::SeqCst),
                        });
                    }
                    let path = site.join(&l.key);
                    let bytes = tokio::fs::read(&path).await.map_err(|e| S3Error::Local {
                        path: crate::platform::shown(&path),
                        detail: crate::output::error::cause(&e),
                    })?;
                    bucket.put(&l.key, Bytes::from(bytes), l.content_type, &l.cache_control).await?;
                    done.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                }
            })
            .await
            .inspect_err(|_| stats.uploaded = done.load(Ordering::SeqCst))?;
    }
    stats.uploaded = done.load(Ordering::SeqCst);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_hosts_put_the_bucket_in_the_host() {
        assert_eq!(
            with_bucket_host("https://oss-cn-hangzhou.aliyuncs.com", "zz"),
            "https://zz.oss-cn-hangzhou.aliyuncs.com"
        );
        assert_eq!(with_bucket_host("https://zz.oss.example.cn", "zz"), "https://zz.oss.example.cn");
        assert_eq!(env_name("oss-1"), "OSS_1");
    }
}
