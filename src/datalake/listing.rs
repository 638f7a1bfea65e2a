//! ListObjectsV2's answer read into objects, prefixes and the continuation token. The document is flat and
//! fixed by the S3 API, so a small element scanner (with XML's entity and character references) does it; keys
//! are requested without `encoding-type=url`, so they arrive as XML text and need no second decoding.

use super::error::tag;

/// One listed object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// The key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification, as the server wrote it.
    pub last_modified: String,
    /// Storage class (`STANDARD` when the server omits it).
    pub storage_class: String,
}

/// One page of a listing.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Page {
    /// Objects.
    pub objects: Vec<Object>,
    /// "Folders" (common prefixes) when listing with a delimiter.
    pub prefixes: Vec<String>,
    /// The token for the next page, when the listing is truncated.
    pub next: Option<String>,
}

/// Why a listing could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct ListingError(pub &'static str);

/// Reads one ListObjectsV2 answer.
pub fn parse(xml: &str) -> Result<Page, ListingError> {
    if !xml.contains("<ListBucketResult") {
        return Err(ListingError("no <ListBucketResult> element"));
    }
    let mut page = Page::default();
    for block in blocks(xml, "Contents") {
        let key = tag(block, "Key").ok_or(ListingError("an object without <Key>"))?;
        let size = tag(block, "Size")
            .and_then(|s| s.trim().parse().ok())
            .ok_or(ListingError("an object without a numeric <Size>"))?;
        page.objects.push(Object {
            key,
            size,
            last_modified: tag(block, "LastModified").unwrap_or_default(),
            storage_class: tag(block, "StorageClass").unwrap_or_else(|| "STANDARD".into()),
        });
    }
    for block in blocks(xml, "CommonPrefixes") {
        if let Some(p) = tag(block, "Prefix") {
            page.prefixes.push(p);
        }
    }
    let truncated = tag(xml, "IsTruncated").is_some_and(|t| t.trim() == "true");
    page.next = tag(xml, "NextContinuationToken").filter(|t| truncated && !t.is_empty());
    if truncated && page.next.is_none() {
        return Err(ListingError(
            "a truncated listing without <NextContinuationToken>",
        ));
    }
    Ok(page)
}

/// The inner text of every `<name>…</name>` element, in order.
fn blocks<'a>(xml: &'a str, name: &str) -> impl Iterator<Item = &'a str> + 'a {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut rest = xml;
    std::iter::from_fn(move || {
        let start = rest.find(&open)? + open.len();
        let end = start + rest[start..].find(&close)?;
        let inner = &rest[start..end];
        rest = &rest[end + close.len()..];
        Some(inner)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_objects_prefixes_and_token() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="x"><Name>b</Name>
<IsTruncated>true</IsTruncated><NextContinuationToken>t+/=</NextContinuationToken>
<Contents><Key>a b/&lt;ünï&gt; &amp; &#x41;&#66;</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>
<ETag>&quot;e&quot;</ETag><Size>12</Size><StorageClass>GLACIER</StorageClass></Contents>
<Contents><Key>c</Key><Size>0</Size></Contents>
<CommonPrefixes><Prefix>d/</Prefix></CommonPrefixes></ListBucketResult>"#;
        let p = parse(xml).unwrap();
        assert_eq!(p.objects[0].key, "a b/<ünï> & AB");
        assert_eq!(p.objects[0].storage_class, "GLACIER");
        assert_eq!(p.objects[0].size, 12);
        assert_eq!(p.objects[1].storage_class, "STANDARD");
        assert_eq!(p.prefixes, ["d/"]);
        assert_eq!(p.next.as_deref(), Some("t+/="));
    }

    #[test]
    fn refuses_what_is_not_a_listing() {
        assert!(parse("<html><body>login</body></html>").is_err());
        assert!(parse("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>").is_err());
        assert!(parse("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>").is_err());
        assert_eq!(
            parse("<ListBucketResult></ListBucketResult>").unwrap(),
            Page::default()
        );
    }
}
