//! The provider's arguments as typed state: each name declared once, used
//! by the schema, the resolution and its messages' paths.

use std::collections::BTreeMap;

use crate::tf_object;
use crate::tfplugin::typed::Tf;

tf_object! {
    /// The `provider "huaweicloud"` block.
    pub struct Args {
        region: String = REGION "region",
        project_id: String = PROJECT_ID "project_id",
        access_key: String = ACCESS_KEY "access_key",
        secret_key: String = SECRET_KEY "secret_key",
        security_token: String = SECURITY_TOKEN "security_token",
        token: String = TOKEN "token",
        cloud: String = CLOUD "cloud",
        endpoints: BTreeMap<String, Tf<String>> = ENDPOINTS "endpoints",
        insecure: bool = INSECURE "insecure",
        max_retries: i64 = MAX_RETRIES "max_retries",
        request_timeout: i64 = REQUEST_TIMEOUT "request_timeout",
        project_name: String = PROJECT_NAME "project_name",
        auth_url: String = AUTH_URL "auth_url",
        user_name: String = USER_NAME "user_name",
        user_id: String = USER_ID "user_id",
        password: String = PASSWORD "password",
        domain_name: String = DOMAIN_NAME "domain_name",
        domain_id: String = DOMAIN_ID "domain_id",
        assume_role: Vec<Tf<AssumeRole>> = ASSUME_ROLE "assume_role",
        shared_config_file: String = SHARED_CONFIG_FILE "shared_config_file",
        profile: String = PROFILE "profile",
    }
}

tf_object! {
    /// One `assume_role` block.
    pub struct AssumeRole {
        agency_name: String = AGENCY_NAME "agency_name",
        domain_name: String = DOMAIN_NAME "domain_name",
        duration: i64 = DURATION "duration",
    }
}

/// The services `endpoints` may override.
pub const APIG: &str = "apig";
pub const IAM: &str = "iam";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_structs_declare_the_schema_attributes() {
        let s = crate::provider::config::schema();
        let names: Vec<&str> = s.attributes.iter().map(|a| a.name).collect();
        assert_eq!(names, Args::NAMES);
        let blocks = s
            .attribute(Args::ASSUME_ROLE)
            .and_then(|a| a.children())
            .unwrap();
        let names: Vec<&str> = blocks.iter().map(|a| a.name).collect();
        assert_eq!(names, AssumeRole::NAMES);
    }
}
