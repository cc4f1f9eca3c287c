//! The habits of the real service (quirks), each with quirks on and off.

use serde_json::json;

use super::tests::{is_id, minimal, opts, GW, T};

/// Habits 1-5, 7, 8, 11, 12 and discovery, each with quirks on and off.
#[tokio::test]
async fn habits_on_and_off() {
    let t = T::new(opts()).await;
    for quirks in [true, false] {
        t.admin("POST", "reset", None).await;
        t.set_quirks(quirks).await;

        // 1: order; 2: ecs_id/ecs_name = host; 3: member defaults
        let mut body = minimal("order_test");
        let hosts: Vec<String> = (0..12).map(|i| format!("10.0.0.{i}")).collect();
        body["members"] = json!(hosts.iter().map(|h| json!({"host": h})).collect::<Vec<_>>());
        body["member_groups"] = json!((0..6)
            .map(|i| json!({"member_group_name": format!("grp{i}")}))
            .collect::<Vec<_>>());
        body["vpc_health_config"] = json!({"protocol": "TCP", "threshold_normal": 1, "threshold_abnormal": 1, "time_interval": 5, "timeout": 2});
        let c = t.create(&body).await;
        // 8: never members or health in create
        assert!(c.get("members").is_none() && c.get("vpc_health_config").is_none());
        let d = t.show(c["id"].as_str().unwrap()).await;
        let ms = d["members"].as_array().unwrap();
        let ids: Vec<&str> = ms.iter().map(|m| m["id"].as_str().unwrap()).collect();
        let got_hosts: Vec<&str> = ms.iter().map(|m| m["host"].as_str().unwrap()).collect();
        let gids: Vec<&str> = d["member_groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["member_group_id"].as_str().unwrap())
            .collect();
        let gnames: Vec<&str> = d["member_groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["member_group_name"].as_str().unwrap())
            .collect();
        if quirks {
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "sorted by id");
            assert!(gids.windows(2).all(|w| w[0] < w[1]), "groups sorted by id");
            let m = &ms[0];
            assert_eq!(m["ecs_id"], m["host"]);
            assert_eq!(m["ecs_name"], m["host"]);
            assert_eq!(
                (
                    m["port"].clone(),
                    m["weight"].clone(),
                    m["status"].clone(),
                    m["is_backup"].clone()
                ),
                (json!(80), json!(0), json!(1), json!(false))
            );
            assert_eq!(m["health_status"], "unknown");
            // 4 and 11
            let h = &d["vpc_health_config"];
            assert_eq!(h["protocol"], "tcp");
            assert_eq!(
                (
                    h["path"].clone(),
                    h["method"].clone(),
                    h["http_code"].clone(),
                    h["port"].clone()
                ),
                (json!(""), json!(""), json!(""), json!(0))
            );
            assert_eq!(
                (h["enable_client_ssl"].clone(), h["status"].clone()),
                (json!(false), json!(1))
            );
            assert_eq!(d["dict_code"], "");
            // 5
            assert_eq!(d["microservice_info"]["cse_info"]["engine_id"], "");
            assert_eq!(d["microservice_info"]["service_type"], "");
        } else {
            assert_eq!(
                got_hosts,
                hosts.iter().map(String::as_str).collect::<Vec<_>>(),
                "sent order"
            );
            assert_eq!(
                gnames,
                (0..6).map(|i| format!("grp{i}")).collect::<Vec<_>>()
            );
            let m = &ms[0];
            for k in [
                "ecs_id",
                "ecs_name",
                "port",
                "weight",
                "status",
                "is_backup",
                "health_status",
            ] {
                assert!(m.get(k).is_none(), "{k} in {m}");
            }
            let h = &d["vpc_health_config"];
            assert_eq!(h["protocol"], "TCP");
            for k in [
                "path",
                "method",
                "http_code",
                "port",
                "enable_client_ssl",
                "status",
            ] {
                assert!(h.get(k).is_none(), "{k} in {h}");
            }
            assert!(d.get("dict_code").is_none() && d.get("microservice_info").is_none());
        }

        // 2: ecs members get a server IP
        let mut ecs = minimal("ecs_chan");
        ecs["member_type"] = json!("ecs");
        ecs["members"] = json!([{"ecs_id": "i-123", "ecs_name": "vm1"}]);
        let e = t.create(&ecs).await;
        let em = &t.show(e["id"].as_str().unwrap()).await["members"][0];
        if quirks {
            assert!(em["host"].as_str().unwrap().starts_with("192.168."));
        } else {
            assert!(em.get("host").is_none());
        }

        // 7: type kept on PUT; 6: empty members wipe them
        let id = c["id"].as_str().unwrap();
        let mut put = minimal("order_test");
        put["type"] = json!(3);
        put["microservice_info"] = json!({"service_type": "CCE_SERVICE", "cce_service_info": {"cluster_id": "c1", "namespace": "ns", "service_name": "svc"}});
        put["members"] = json!([]);
        let (s, u) = t.api("PUT", &format!("/{id}"), Some(&put)).await;
        assert_eq!(s, 200, "{u}");
        assert_eq!(u["type"], if quirks { 2 } else { 3 });
        let d = t.show(id).await;
        assert!(
            d["member_groups"].as_array().unwrap().is_empty(),
            "absent groups are wiped"
        );
        if !quirks {
            assert!(d["members"].as_array().unwrap().is_empty(), "{d}");
        }
        assert!(
            d.get("vpc_health_config").is_none(),
            "absent health check is wiped"
        );

        // 12 and discovery on a microservice channel
        let mut ms_body = minimal("cce_chan");
        ms_body["type"] = json!(3);
        ms_body["microservice_info"] = json!({"service_type": "CCE", "cce_info": {"cluster_id": "ab14", "namespace": "default", "workload_type": "deployment", "app_name": "testapp"}});
        ms_body["members"] = json!([{"host": "10.1.1.1"}]);
        let m = t.create(&ms_body).await;
        let d = t.show(m["id"].as_str().unwrap()).await;
        let cce = &d["microservice_info"]["cce_info"];
        let n = d["members"].as_array().unwrap().len();
        let (_, ml) = t
            .api(
                "GET",
                &format!("/{}/members", m["id"].as_str().unwrap()),
                None,
            )
            .await;
        assert_eq!(ml["total"], json!(n));
        if quirks {
            assert_eq!(
                (cce["label_key"].clone(), cce["label_value"].clone()),
                (json!("app"), json!("testapp"))
            );
            assert!(cce["cluster_name"].as_str().unwrap().starts_with("cce-"));
            assert!(is_id(&d["microservice_info"]["id"]));
            assert_eq!(d["microservice_info"]["instance_id"], GW);
            assert!((2..=3).contains(&n), "discovered members: {n}");
        } else {
            assert!(cce.get("label_key").is_none());
            assert_eq!(n, 1);
        }
    }
}
