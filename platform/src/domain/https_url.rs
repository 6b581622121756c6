//! Image addresses clients send (profile pictures, event covers and images): absolute https
//! URLs. The rule is one regular expression, published as the schema's `pattern`, so what the
//! OpenAPI document allows is exactly what the server accepts.

use std::marker::PhantomData;
use std::sync::LazyLock;

/// An https URL: host labels, an optional port, path and query of URL-safe characters.
pub const HTTPS_URL_PATTERN: &str = concat!(
    r"^https://[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*",
    r"(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?(\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?$"
);
/// The longest URL kept.
pub const HTTPS_URL_MAX_LENGTH: usize = 2048;

static HTTPS_URL: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(HTTPS_URL_PATTERN).expect("the pattern compiles"));

/// Whether `url` is an absolute https URL with a host, of sane length.
pub fn is_https_url(url: &str) -> bool {
    url.len() <= HTTPS_URL_MAX_LENGTH && HTTPS_URL.is_match(url)
}

/// An https URL in a request body: read only when `is_https_url`, described by the same
/// pattern and length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpsUrl(pub String);

impl<'de> serde::Deserialize<'de> for HttpsUrl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let url = String::deserialize(deserializer)?;
        if is_https_url(&url) {
            Ok(Self(url))
        } else {
            Err(serde::de::Error::custom("must be an https URL"))
        }
    }
}

impl utoipa::PartialSchema for HttpsUrl {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(HTTPS_URL_MAX_LENGTH))
            .pattern(Some(HTTPS_URL_PATTERN))
            .into()
    }
}

impl utoipa::ToSchema for HttpsUrl {}

impl From<HttpsUrl> for String {
    fn from(url: HttpsUrl) -> Self {
        url.0
    }
}

/// `MIN` to `MAX` image URLs in order, each read as `U` (an `HttpsUrl`, or a type that also
/// admits a laptop's stand-in) and described as an https URL; a bad one is named by its index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUrls<U, const MIN: usize, const MAX: usize>(pub Vec<String>, PhantomData<U>);

impl<'de, U, const MIN: usize, const MAX: usize> serde::Deserialize<'de> for ImageUrls<U, MIN, MAX>
where
    U: serde::Deserialize<'de> + Into<String>,
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let urls = Vec::<U>::deserialize(deserializer)?;
        if !(MIN..=MAX).contains(&urls.len()) {
            let message = match MIN {
                0 => format!("must hold at most {MAX} images"),
                _ => format!("must hold {MIN} to {MAX} images"),
            };
            return Err(serde::de::Error::custom(message));
        }
        Ok(Self(
            urls.into_iter().map(Into::into).collect(),
            PhantomData,
        ))
    }
}

impl<U, const MIN: usize, const MAX: usize> utoipa::PartialSchema for ImageUrls<U, MIN, MAX> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(<HttpsUrl as utoipa::PartialSchema>::schema())
            .min_items((MIN > 0).then_some(MIN))
            .max_items(Some(MAX))
            .into()
    }
}

impl<U, const MIN: usize, const MAX: usize> utoipa::ToSchema for ImageUrls<U, MIN, MAX> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_https_urls_pass() {
        for good in [
            "https://cdn.example.com/a.jpg",
            "https://eventhost-media.s3.ap-south-1.amazonaws.com/u/1/p.webp?v=2",
            "https://localhost:4566/bucket/key",
        ] {
            assert!(is_https_url(good), "{good}");
        }
        for bad in [
            "http://cdn.example.com/a.jpg",
            "https://",
            "cdn.example.com/a.jpg",
            "javascript:alert(1)",
            "https://a b/c",
            "https://-a.com/x",
            "https://a.com/x\n",
            "https://a.com/\u{0}",
        ] {
            assert!(!is_https_url(bad), "{bad:?}");
        }
        assert!(!is_https_url(&format!(
            "https://a.com/{}",
            "x".repeat(HTTPS_URL_MAX_LENGTH)
        )));
    }
}
