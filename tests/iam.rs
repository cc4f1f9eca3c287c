//! The IAM client and session against the emulator's IAM: lookups, tokens,
//! agency chains, renewal, errors.

use std::sync::Arc;
use std::time::Duration;

use hwprovider::apig::client::Credentials;
use hwprovider::apig::source::CredentialSource;
use hwprovider::emulator::{self, iam as emu_iam, Options};
use hwprovider::iam::client::{IamClient, IamError, IamOptions};
use hwprovider::iam::models::{Domain, Scope, User};
use hwprovider::iam::session::{Agency, Base, DiscoveryError, Session};
use tokio_util::sync::CancellationToken;

fn counter(h: &emulator::Handle, k: &str) -> u64 {
    h.emulator().iam().json()[k].as_u64().unwrap()
}

fn client(h: &emulator::Handle) -> IamClient {
    let mut o = IamOptions::new(&format!("{}/v3", h.url), "iam-test/1");
    o.backoff_base = Duration::from_millis(5);
    IamClient::new(o, CancellationToken::new())
}

fn aksk() -> Credentials {
    Credentials::AkSk {
        ak: emulator::DEFAULT_AK.into(),
        sk: emulator::DEFAULT_SK.into(),
        security_token: None,
    }
}

fn password_base(pw: &str) -> Base {
    Base::Password {
        user: User::Name {
            name: emu_iam::USER_NAME.into(),
            domain: Domain::Name("emulator_account".into()),
        },
        password: pw.into(),
    }
}

fn agency(name: &str, domain: &str) -> Agency {
    Agency {
        agency_name: name.into(),
        domain: Domain::Name(domain.into()),
        duration: 900,
    }
}

#[tokio::test]
async fn project_lookup_happens_once_for_concurrent_callers() {
    let h = emulator::start(Options::default()).await.unwrap();
    let s = Arc::new(Session::new(
        client(&h),
        Base::Static(aksk()),
        vec![],
        "cn-north-4".into(),
    ));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let s = s.clone();
        tasks.push(tokio::spawn(
            async move { s.project_id("cn-north-4").await },
        ));
    }
    for t in tasks {
        assert_eq!(
            t.await.unwrap().unwrap(),
            "0123456789abcdef0123456789abcdef"
        );
    }
    assert_eq!(counter(&h, "project_lookups"), 1);
    assert_eq!(
        s.project_id("ap-southeast-1").await.unwrap(),
        "22222222222222222222222222222222"
    );
    assert_eq!(counter(&h, "project_lookups"), 2);
    // The lookup is signed: the emulator checks the signature.
    let reqs = h.emulator().requests(None);
    assert!(
        reqs.iter().all(|r| r.auth == emulator::AuthKind::Aksk),
        "{reqs:?}"
    );
}

#[tokio::test]
async fn lookup_errors_are_distinct() {
    let h = emulator::start(Options::default()).await.unwrap();
    let s = Session::new(client(&h), Base::Static(aksk()), vec![], "x".into());
    assert!(matches!(
        s.project_id("nowhere-1").await,
        Err(DiscoveryError::NotFound { .. })
    ));
    match s.project_id(emu_iam::DUPLICATE_PROJECT).await {
        Err(DiscoveryError::Several { ids, .. }) => assert_eq!(ids.len(), 2),
        other => panic!("{other:?}"),
    }
    h.emulator()
        .iam()
        .configure(&serde_json::json!({"deny_projects": true}))
        .unwrap();
    assert!(matches!(
        s.project_id("cn-north-4").await,
        Err(DiscoveryError::NoPermission { .. })
    ));
    let bad = Session::new(
        client(&h),
        Base::Static(Credentials::AkSk {
            ak: emulator::DEFAULT_AK.into(),
            sk: "wrong-secret".into(),
            security_token: None,
        }),
        vec![],
        "x".into(),
    );
    match bad.project_id("cn-north-4").await {
        Err(DiscoveryError::Failed {
            error: IamError::Unauthorized(m),
            ..
        }) => {
            assert!(!m.contains("wrong-secret"), "{m}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn password_token_names_the_project_and_401_is_not_retried() {
    let h = emulator::start(Options::default()).await.unwrap();
    let s = Session::new(
        client(&h),
        password_base(emu_iam::PASSWORD),
        vec![],
        "cn-north-4".into(),
    );
    let id = s.project_id("cn-north-4").await.unwrap();
    assert_eq!(id, "0123456789abcdef0123456789abcdef");
    // The token obtained for the lookup is reused for that project.
    let c = s.credentials(&id).await.unwrap();
    assert!(matches!(c, Credentials::Token(ref t) if t.starts_with("emu-token-")));
    assert_eq!(counter(&h, "tokens_issued"), 1);
    assert_eq!(counter(&h, "project_lookups"), 0);

    let wrong = client(&h)
        .password_token(
            &User::Id(emu_iam::USER_ID.into()),
            "not-the-password",
            &Scope::ProjectName("cn-north-4".into()),
        )
        .await;
    match wrong {
        Err(IamError::Unauthorized(m)) => assert!(!m.contains("not-the-password")),
        other => panic!("{other:?}"),
    }
    assert_eq!(counter(&h, "password_failures"), 1);
}

#[tokio::test]
async fn short_lived_tokens_are_renewed_before_expiry() {
    let h = emulator::start(Options::default()).await.unwrap();
    h.emulator()
        .iam()
        .configure(&serde_json::json!({"token_lifetime_secs": 2}))
        .unwrap();
    let s = Session::new(
        client(&h),
        password_base(emu_iam::PASSWORD),
        vec![],
        "cn-north-4".into(),
    );
    let id = s.project_id("cn-north-4").await.unwrap();
    let first = s.credentials(&id).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let second = s.credentials(&id).await.unwrap();
    assert_ne!(first, second);
    assert_eq!(counter(&h, "tokens_issued"), 2);
}

#[tokio::test]
async fn agency_chain_signs_each_link_with_the_previous_keys() {
    let h = emulator::start(Options::default()).await.unwrap();
    let one = Session::new(
        client(&h),
        Base::Static(aksk()),
        vec![agency("ops_agency", "target_account")],
        "cn-north-4".into(),
    );
    assert_eq!(one.project_id("cn-north-4").await.unwrap(), "a".repeat(32));
    // deep_agency trusts only target_account: reachable only through the chain.
    let direct = Session::new(
        client(&h),
        Base::Static(aksk()),
        vec![agency("deep_agency", "third_account")],
        "cn-north-4".into(),
    );
    assert!(direct.project_id("cn-north-4").await.is_err());
    let chain = Session::new(
        client(&h),
        password_base(emu_iam::PASSWORD),
        vec![
            agency("ops_agency", "target_account"),
            agency("deep_agency", "third_account"),
        ],
        "cn-north-4".into(),
    );
    assert_eq!(
        chain.project_id("cn-north-4").await.unwrap(),
        "b".repeat(32)
    );
    let c = chain.credentials("x").await.unwrap();
    assert!(matches!(c, Credentials::AkSk { ref security_token, .. } if security_token.is_some()));
    assert!(chain
        .secrets()
        .iter()
        .any(|s| s.starts_with("emu-temp-secret-")));
}

#[tokio::test]
async fn duration_out_of_bounds_is_refused() {
    let h = emulator::start(Options::default()).await.unwrap();
    let e = client(&h)
        .assume_role(
            &aksk(),
            "ops_agency",
            &Domain::Name("target_account".into()),
            60,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, IamError::Status { status: 400, .. }), "{e:?}");
}
