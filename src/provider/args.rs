//! The provider's arguments as typed state: each name declared once, used
//! by the schema, the resolution and its messages' paths. Numbers are
//! `f64` as Terraform has them: resolution checks that they are whole.

use std::collections::BTreeMap;

use crate::provider::config::env_var;
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
        max_retries: f64 = MAX_RETRIES "max_retries",
        request_timeout: f64 = REQUEST_TIMEOUT "request_timeout",
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
        duration: f64 = DURATION "duration",
    }
}

/// A string argument that falls back to its environment variable: its
/// name (messages and the variable go by it) and its field of [`Args`].
#[derive(Clone, Copy)]
pub struct Setting {
    pub name: &'static str,
    field: fn(&Args) -> &Tf<String>,
}

impl Setting {
    /// Its value in the configuration, unless null or empty.
    pub fn in_config(self, args: &Args) -> Option<String> {
        let v = (self.field)(args).str();
        v.filter(|s| !s.is_empty()).map(str::to_string)
    }

    /// Null in the configuration (an empty string is set).
    pub fn is_null(self, args: &Args) -> bool {
        (self.field)(args).is_null()
    }

    /// Its environment variable, as the schema declares it.
    pub fn env_var(self) -> &'static str {
        env_var(self.name)
    }
}

macro_rules! settings {
    ($($konst:ident: $field:ident),* $(,)?) => {
        impl Setting {
            $(pub const $konst: Setting = Setting { name: Args::$konst, field: |a| &a.$field };)*
        }
    };
}

settings! {
    REGION: region, PROJECT_ID: project_id, ACCESS_KEY: access_key, SECRET_KEY: secret_key,
    SECURITY_TOKEN: security_token, TOKEN: token, CLOUD: cloud, PROJECT_NAME: project_name,
    AUTH_URL: auth_url, USER_NAME: user_name, USER_ID: user_id, PASSWORD: password,
    DOMAIN_NAME: domain_name, DOMAIN_ID: domain_id, SHARED_CONFIG_FILE: shared_config_file,
    PROFILE: profile,
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

    #[test]
    fn a_setting_reads_its_own_field_and_names_its_variable() {
        let args = Args {
            token: Tf::Known("t".into()),
            user_name: Tf::Known(String::new()),
            ..Args::default()
        };
        assert_eq!(Setting::TOKEN.in_config(&args).as_deref(), Some("t"));
        assert_eq!(Setting::USER_NAME.in_config(&args), None, "empty is unset");
        assert_eq!(Setting::PASSWORD.in_config(&args), None);
        assert_eq!(Setting::TOKEN.env_var(), "HW_AUTH_TOKEN");
        assert_eq!(Setting::REGION.name, Args::REGION);
    }
}
