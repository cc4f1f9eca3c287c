//! The committed registry docs must be what the schema generates.
//! Regenerate with `UPDATE_DOCS=1 cargo test --test docs`.

use std::path::Path;

fn check(rel: &str, generated: String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{rel} is stale: run `UPDATE_DOCS=1 cargo test --test docs` and commit the result"
    );
}

#[test]
fn resource_page_is_current() {
    check(
        "docs/resources/apig_vpc_channel.md",
        hwprovider::provider::docs::resource_page(),
    );
}

#[test]
fn data_source_pages_are_current() {
    use hwprovider::provider::vpc_channel_data::docs;
    check("docs/data-sources/apig_vpc_channel.md", docs::one_page());
    check("docs/data-sources/apig_vpc_channels.md", docs::many_page());
    for page in [docs::one_page(), docs::many_page()] {
        // every nested section a line links to exists
        for link in page.split("](#").skip(1) {
            let anchor = &link[..link.find(')').unwrap()];
            assert!(
                page.contains(&format!("<a id=\"{anchor}\"></a>")),
                "{anchor}"
            );
        }
    }
}

#[test]
fn list_resource_page_is_current() {
    check(
        "docs/list-resources/apig_vpc_channel.md",
        hwprovider::provider::docs::list_resource_page(),
    );
}

#[test]
fn index_page_is_current() {
    check("docs/index.md", hwprovider::provider::docs::index_page());
}

#[test]
fn every_attribute_is_documented() {
    let page = hwprovider::provider::docs::resource_page();
    fn walk(attrs: &[hwprovider::tfplugin::schema::Attribute], page: &str) {
        for a in attrs {
            assert!(
                page.contains(&format!("* `{}` -", a.name)),
                "{} undocumented",
                a.name
            );
            assert!(!a.description.is_empty(), "{} has no description", a.name);
            if let Some(c) = a.children() {
                walk(c, page);
            }
        }
    }
    walk(
        &hwprovider::provider::vpc_channel::schema::schema().attributes,
        &page,
    );
    assert!(page.contains("Forces new resource"));
    assert!(
        page.contains("not supported") || page.contains("Not supported"),
        "dict_code says it is unsupported"
    );
}
