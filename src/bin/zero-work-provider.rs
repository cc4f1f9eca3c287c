//! The benchmark's floor: a plugin with the provider's schema that does no
//! work. Plan echoes Terraform's proposal, apply echoes the plan (unknowns
//! as null), read echoes the state, validation accepts everything, and no
//! value is ever decoded. Whatever a run against it costs is Terraform's
//! (and the plugin protocol's), so `scripts/bench` compares the provider
//! with it. Not a provider for real use.

use std::sync::OnceLock;

use hwprovider::provider::{config, vpc_channel};
use hwprovider::tfplugin::grpc::convert::{capabilities, schema_to_proto};
use hwprovider::tfplugin::launch;
use hwprovider::tfplugin::proto;
use hwprovider::tfplugin::proto::provider_server::Provider;
use tonic::{Request, Response, Status};

type R<T> = Result<Response<T>, Status>;

struct ZeroWork;

fn schema() -> &'static proto::get_provider_schema::Response {
    static S: OnceLock<proto::get_provider_schema::Response> = OnceLock::new();
    S.get_or_init(|| proto::get_provider_schema::Response {
        provider: Some(schema_to_proto(config::schema())),
        resource_schemas: [(
            vpc_channel::schema::TYPE_NAME.to_string(),
            schema_to_proto(vpc_channel::schema::schema()),
        )]
        .into(),
        server_capabilities: Some(capabilities()),
        ..Default::default()
    })
}

/// Copies one msgpack value, writing nil for cty's unknown (fixext1 type 0)
/// so an applied state is wholly known. None on malformed input.
fn copy_known(b: &[u8], pos: &mut usize, out: &mut Vec<u8>) -> Option<()> {
    let m = *b.get(*pos)?;
    let take = |pos: &mut usize, n: usize, out: &mut Vec<u8>| -> Option<()> {
        out.extend_from_slice(b.get(*pos..*pos + n)?);
        *pos += n;
        Some(())
    };
    let be = |at: usize, n: usize| -> Option<usize> {
        Some(
            b.get(at..at + n)?
                .iter()
                .fold(0, |a, x| a << 8 | usize::from(*x)),
        )
    };
    match m {
        0xd4 if b.get(*pos + 1) == Some(&0) => {
            out.push(0xc0);
            *pos += 3;
        }
        0x00..=0x7f | 0xc0 | 0xc2 | 0xc3 | 0xe0..=0xff => take(pos, 1, out)?,
        0xa0..=0xbf => take(pos, 1 + usize::from(m & 0x1f), out)?,
        0xcc | 0xd0 => take(pos, 2, out)?,
        0xcd | 0xd1 => take(pos, 3, out)?,
        0xca | 0xce | 0xd2 => take(pos, 5, out)?,
        0xcb | 0xcf | 0xd3 => take(pos, 9, out)?,
        0xd4..=0xd8 => take(pos, 2 + (1 << (m - 0xd4)), out)?,
        0xc4 | 0xd9 => take(pos, 2 + be(*pos + 1, 1)?, out)?,
        0xc5 | 0xda => take(pos, 3 + be(*pos + 1, 2)?, out)?,
        0xc6 | 0xdb => take(pos, 5 + be(*pos + 1, 4)?, out)?,
        0xc7 => take(pos, 3 + be(*pos + 1, 1)?, out)?,
        0xc8 => take(pos, 4 + be(*pos + 1, 2)?, out)?,
        0xc9 => take(pos, 6 + be(*pos + 1, 4)?, out)?,
        0x90..=0x9f | 0x80..=0x8f | 0xdc..=0xdf => {
            let (head, n) = match m {
                0x90..=0x9f => (1, usize::from(m & 0x0f)),
                0x80..=0x8f => (1, 2 * usize::from(m & 0x0f)),
                0xdc => (3, be(*pos + 1, 2)?),
                0xdd => (5, be(*pos + 1, 4)?),
                0xde => (3, 2 * be(*pos + 1, 2)?),
                _ => (5, 2 * be(*pos + 1, 4)?),
            };
            take(pos, head, out)?;
            for _ in 0..n {
                copy_known(b, pos, out)?;
            }
        }
        _ => return None,
    }
    Some(())
}

fn known(dv: Option<proto::DynamicValue>) -> Option<proto::DynamicValue> {
    let dv = dv?;
    if dv.msgpack.is_empty() {
        return Some(dv);
    }
    let mut out = Vec::with_capacity(dv.msgpack.len());
    let mut pos = 0;
    match copy_known(&dv.msgpack, &mut pos, &mut out) {
        Some(()) => Some(proto::DynamicValue {
            msgpack: out,
            json: Vec::new(),
        }),
        None => Some(dv),
    }
}

#[tonic::async_trait]
impl Provider for ZeroWork {
    async fn get_metadata(
        &self,
        _: Request<proto::get_metadata::Request>,
    ) -> R<proto::get_metadata::Response> {
        Ok(Response::new(proto::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: vec![proto::get_metadata::ResourceMetadata {
                type_name: vpc_channel::schema::TYPE_NAME.into(),
            }],
            ..Default::default()
        }))
    }
    async fn get_provider_schema(
        &self,
        _: Request<proto::get_provider_schema::Request>,
    ) -> R<proto::get_provider_schema::Response> {
        Ok(Response::new(schema().clone()))
    }
    async fn validate_provider_config(
        &self,
        _: Request<proto::validate_provider_config::Request>,
    ) -> R<proto::validate_provider_config::Response> {
        Ok(Response::new(Default::default()))
    }
    async fn validate_resource_config(
        &self,
        _: Request<proto::validate_resource_config::Request>,
    ) -> R<proto::validate_resource_config::Response> {
        Ok(Response::new(Default::default()))
    }
    async fn validate_data_resource_config(
        &self,
        _: Request<proto::validate_data_resource_config::Request>,
    ) -> R<proto::validate_data_resource_config::Response> {
        Ok(Response::new(Default::default()))
    }
    async fn upgrade_resource_state(
        &self,
        req: Request<proto::upgrade_resource_state::Request>,
    ) -> R<proto::upgrade_resource_state::Response> {
        // Terraform decodes a JSON DynamicValue itself.
        let raw = req.into_inner().raw_state.unwrap_or_default();
        Ok(Response::new(proto::upgrade_resource_state::Response {
            upgraded_state: Some(proto::DynamicValue {
                msgpack: Vec::new(),
                json: raw.json,
            }),
            diagnostics: Vec::new(),
        }))
    }
    async fn configure_provider(
        &self,
        _: Request<proto::configure_provider::Request>,
    ) -> R<proto::configure_provider::Response> {
        Ok(Response::new(Default::default()))
    }
    async fn read_resource(
        &self,
        req: Request<proto::read_resource::Request>,
    ) -> R<proto::read_resource::Response> {
        let req = req.into_inner();
        Ok(Response::new(proto::read_resource::Response {
            new_state: req.current_state,
            private: req.private,
            ..Default::default()
        }))
    }
    async fn plan_resource_change(
        &self,
        req: Request<proto::plan_resource_change::Request>,
    ) -> R<proto::plan_resource_change::Response> {
        let req = req.into_inner();
        Ok(Response::new(proto::plan_resource_change::Response {
            planned_state: req.proposed_new_state,
            planned_private: req.prior_private,
            ..Default::default()
        }))
    }
    async fn apply_resource_change(
        &self,
        req: Request<proto::apply_resource_change::Request>,
    ) -> R<proto::apply_resource_change::Response> {
        let req = req.into_inner();
        Ok(Response::new(proto::apply_resource_change::Response {
            new_state: known(req.planned_state),
            private: req.planned_private,
            ..Default::default()
        }))
    }
    async fn import_resource_state(
        &self,
        _: Request<proto::import_resource_state::Request>,
    ) -> R<proto::import_resource_state::Response> {
        Err(Status::unimplemented(
            "the zero-work plugin imports nothing",
        ))
    }
    async fn move_resource_state(
        &self,
        _: Request<proto::move_resource_state::Request>,
    ) -> R<proto::move_resource_state::Response> {
        Err(Status::unimplemented("the zero-work plugin moves nothing"))
    }
    async fn read_data_source(
        &self,
        _: Request<proto::read_data_source::Request>,
    ) -> R<proto::read_data_source::Response> {
        Err(Status::unimplemented(
            "the zero-work plugin has no data sources",
        ))
    }
    async fn validate_ephemeral_resource_config(
        &self,
        _: Request<proto::validate_ephemeral_resource_config::Request>,
    ) -> R<proto::validate_ephemeral_resource_config::Response> {
        Err(Status::unimplemented("no ephemeral resources"))
    }
    async fn open_ephemeral_resource(
        &self,
        _: Request<proto::open_ephemeral_resource::Request>,
    ) -> R<proto::open_ephemeral_resource::Response> {
        Err(Status::unimplemented("no ephemeral resources"))
    }
    async fn renew_ephemeral_resource(
        &self,
        _: Request<proto::renew_ephemeral_resource::Request>,
    ) -> R<proto::renew_ephemeral_resource::Response> {
        Err(Status::unimplemented("no ephemeral resources"))
    }
    async fn close_ephemeral_resource(
        &self,
        _: Request<proto::close_ephemeral_resource::Request>,
    ) -> R<proto::close_ephemeral_resource::Response> {
        Err(Status::unimplemented("no ephemeral resources"))
    }
    async fn get_functions(
        &self,
        _: Request<proto::get_functions::Request>,
    ) -> R<proto::get_functions::Response> {
        Ok(Response::new(Default::default()))
    }
    async fn call_function(
        &self,
        _: Request<proto::call_function::Request>,
    ) -> R<proto::call_function::Response> {
        Err(Status::unimplemented("no functions"))
    }
    async fn stop_provider(
        &self,
        _: Request<proto::stop_provider::Request>,
    ) -> R<proto::stop_provider::Response> {
        Ok(Response::new(Default::default()))
    }
}

fn main() {
    std::process::exit(launch::main_with_service(
        || ZeroWork,
        "terraform-provider-huaweicloud",
        hwprovider::provider::ADDRESS,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use hwprovider::tfplugin::codec::{decode_msgpack, encode_msgpack};
    use hwprovider::tfplugin::value::{Type, Value};

    #[test]
    fn unknowns_become_null_and_the_rest_is_copied() {
        let ty = Type::object(vec![
            ("a", Type::String),
            ("b", Type::list(Type::Number)),
            ("c", Type::map(Type::Bool)),
            ("d", Type::Number),
        ]);
        let long = "x".repeat(300);
        let v = Value::object([
            ("a", Value::string(long.clone())),
            (
                "b",
                Value::List(vec![Value::int(1), Value::Unknown, Value::Number(2.5)]),
            ),
            ("c", Value::Unknown),
            ("d", Value::int(-70000)),
        ]);
        let bytes = encode_msgpack(&v, &ty).unwrap();
        let out = known(Some(proto::DynamicValue {
            msgpack: bytes,
            json: Vec::new(),
        }))
        .unwrap();
        let got = decode_msgpack(&out.msgpack, &ty).unwrap();
        let want = Value::object([
            ("a", Value::string(long)),
            (
                "b",
                Value::List(vec![Value::int(1), Value::Null, Value::Number(2.5)]),
            ),
            ("c", Value::Null),
            ("d", Value::int(-70000)),
        ]);
        assert_eq!(got, want);
    }
}
